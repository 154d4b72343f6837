using FastRobust.Autograd;
using FastRobust.Tensors;
using FastRobust.Tests.OpsTests.Reference;
using FastRobust.Tests.OpsTests.Support;
using Xunit;

namespace FastRobust.Tests.OpsTests;

/// <summary>ChannelAffine as the "normalize" layer ((x − mean)/std per channel), images and ensemble activations.</summary>
public class ChannelAffineTests
{
    [Theory]
    [InlineData(new[] { 3, 3, 7, 5 }, 1)]
    [InlineData(new[] { 1, 3, 7, 5 }, 2)]
    [InlineData(new[] { 2, 3, 3, 7, 5 }, 3)]
    public void NormalizeMatchesReference(int[] shape, int seed)
    {
        var r = new System.Random(seed);
        var x = Check.Uniform(r, (int)Tensor.Numel(shape), 0, 1);
        double[] mean = [0.4914, 0.4822, 0.4465], std = [0.247, 0.243, 0.261];
        var scale = std.Select(s => (float)(1 / s)).ToArray();
        var shift = mean.Zip(std, (m, s) => (float)(-m / s)).ToArray();
        // scale and shift are constants of the layer: they must not receive gradients
        GradCheck.Run("normalize", [new(x, shape), new(scale, [3], Grad: false), new(shift, [3], Grad: false)],
            t => Ops.ChannelAffine(t[0], t[1], t[2]),
            d => Ref.Normalize(d[0], 3, 35, mean, std), seed, outShape: shape, fwdFloor: 1e-3);
    }

    [Fact]
    public void WrongChannelCountThrows()
    {
        using var x = Tensor.Zeros([1, 3, 2, 2]);
        using var s = Tensor.Ones([2]);
        Assert.Throws<ArgumentException>(() => Ops.ChannelAffine(x, s, s));
    }
}
