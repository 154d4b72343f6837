using FastRobust.Nn;
using FastRobust.Util;
using Xunit;

namespace FastRobust.Tests.Nn;

/// <summary>The hyperparameter families produce exactly the specs docs/model-families.md describes.</summary>
public class ModelFamilyTests
{
    private static readonly float[] Mean = [0.5f, 0.5f, 0.5f], Std = [0.25f, 0.25f, 0.25f];

    private static string Types(ModelSpec s) => string.Join(" ", s.Layers.Select(l => l.Type switch
    {
        "conv2d" => $"conv{l.Out}",
        "linear" => $"fc{l.Out}",
        "maxpool2d" => "pool",
        "batchnorm2d" => "bn",
        "dropout" => $"drop{l.P}",
        "normalize" => "norm",
        _ => l.Type,
    }));

    [Fact]
    public void CustomCnnDefaults()
    {
        var s = ModelFamilies.Build("custom-cnn", [3, 32, 32], 10, Mean, Std);
        Assert.Equal("norm conv32 relu pool conv64 relu pool flatten fc128 relu fc10", Types(s));
        Assert.All(s.Layers.Where(l => l.Type == "conv2d"), l => { Assert.Equal(3, l.Kernel); Assert.Equal(1, l.Padding); Assert.True(l.Bias); });
    }

    [Fact]
    public void CustomCnnWithEverySetting()
    {
        var s = ModelFamilies.Build("custom-cnn:depth=3,width=16,dropout=0.25,bn=true,convs=2,hidden=64", [3, 32, 32], 10, Mean, Std);
        Assert.Equal("norm conv16 bn relu conv16 bn relu pool drop0.25 conv32 bn relu conv32 bn relu pool drop0.25 " +
                     "conv64 bn relu conv64 bn relu pool drop0.25 flatten fc64 relu drop0.25 fc10", Types(s));
        Assert.All(s.Layers.Where(l => l.Type == "conv2d"), l => Assert.False(l.Bias));
        Assert.Equal(new[] { 64 * 4 * 4 }, s.Shapes[s.Layers.ToList().FindIndex(l => l.Type == "linear")]);
    }

    [Fact]
    public void CustomCnnOnMnistStopsPoolingAtOnePixel()
    {
        var s = ModelFamilies.Build("custom-cnn:depth=6,width=4", [1, 28, 28], 10, [0.1307f], [0.3081f]);
        // 28 → 14 → 7 → 3 → 1: the fifth and sixth stages have no pool
        Assert.Equal(4, s.Layers.Count(l => l.Type == "maxpool2d"));
        Assert.Equal(new[] { 128 }, s.Shapes[s.Layers.ToList().FindIndex(l => l.Type == "flatten") + 1]);
    }

    [Theory]
    [InlineData("vgg11", 8, 5)]
    [InlineData("vgg13", 10, 5)]
    [InlineData("vgg16", 13, 5)]
    public void VggLayouts(string name, int convs, int pools)
    {
        var s = ModelFamilies.Build(name, [3, 32, 32], 10, Mean, Std);
        Assert.Equal(convs, s.Layers.Count(l => l.Type == "conv2d"));
        Assert.Equal(pools, s.Layers.Count(l => l.Type == "maxpool2d"));
        Assert.Equal(convs, s.Layers.Count(l => l.Type == "batchnorm2d"));
        Assert.Equal(new[] { 512 }, s.Shapes[s.Layers.Count - 1]);
    }

    [Fact]
    public void VggWidthMultiplierScalesChannels()
    {
        var s = ModelFamilies.Build("vgg11:width=0.25,bn=false,dropout=0.5", [3, 32, 32], 10, Mean, Std);
        Assert.Equal(new[] { 16, 32, 64, 64, 128, 128, 128, 128 }, s.Layers.Where(l => l.Type == "conv2d").Select(l => l.Out));
        Assert.Equal("norm conv16 relu pool conv32 relu pool conv64 relu conv64 relu pool conv128 relu conv128 relu pool " +
                     "conv128 relu conv128 relu pool flatten drop0.5 fc10", Types(s));
    }

    [Theory]
    [InlineData("resnet18", "unknown model family")]
    [InlineData("custom-cnn:depth=x", "not an integer")]
    [InlineData("custom-cnn:colour=red", "unknown setting(s) colour")]
    [InlineData("custom-cnn:depth", "expected key=value")]
    [InlineData("vgg11:bn=maybe", "not true or false")]
    public void BadFamilyArgumentsAreClearErrors(string text, string expected)
    {
        var e = Assert.Throws<InputException>(() => ModelFamilies.Build(text, [3, 32, 32], 10, Mean, Std));
        Assert.Contains(expected, e.Message);
    }
}
