using FastRobust.Nn;
using FastRobust.Tensors;
using FastRobust.Tests.Cli;
using SkiaSharp;
using Xunit;
using static FastRobust.Tests.Cli.CliHarness;

namespace FastRobust.Tests.Pictures;

/// <summary>The pictures verb end to end on the bundled MNIST, and one clear error with exit code 2 on bad input.</summary>
public sealed class PicturesCliTests : CliTestFolder
{
    /// <summary>Two small models saved as train --out folders, the second with a robust training.json.</summary>
    private (string Standard, string Robust) Models()
    {
        var spec = ModelFamilies.Build("custom-cnn:depth=1,width=4,hidden=8", [1, 28, 28], 10, [0.5f], [0.5f]);
        foreach (var (name, seed) in new[] { ("std", 1UL), ("rob", 2UL) })
        {
            using var m = Model.Create(spec, Device.Cpu, seed);
            m.Save(P(name));
        }
        File.WriteAllText(P("std/training.json"), """{"dataset": "mnist", "options": {"robust": {"method": "none", "noise_sigma": 0}}}""");
        File.WriteAllText(P("rob/training.json"), """{"dataset": "mnist", "options": {"robust": {"method": "pgd", "epsilon": 0.3, "l2": false}}}""");
        return (P("std"), P("rob"));
    }

    [Theory]
    [InlineData("gradients", 4, 3)]       // original + 2 models; 4 images
    [InlineData("large-eps", 4, 5)]       // original + 2 models × (L2, L∞)
    [InlineData("interpolation", 5, 4)]   // t = 0 … 1; 2 images × 2 models
    public void WritesEachKindAsADecodablePicture(string kind, int columns, int rows)
    {
        var (std, rob) = Models();
        string[] count = kind == "interpolation" ? ["--count", "2"] : ["--indices", "3,1,4,1"];
        var (code, stdout, err) = Run(["pictures", "--kind", kind, "--standard", std, "--robust", rob, .. count, "--steps", "3",
            "--out", P("pic.png"), "--device", "cpu"]);
        Assert.True(code == 0, err);
        Assert.Contains("standard, pgd L∞ ε 0.3", stdout);
        using var bmp = SKBitmap.Decode(P("pic.png"));
        Assert.NotNull(bmp);
        // a tile is 28 × 4 pixels: the picture holds at least its rows and columns of tiles
        Assert.True(bmp.Width > columns * 112 && bmp.Height > rows * 112, $"{bmp.Width}×{bmp.Height}");
        Assert.Single(Directory.GetFiles(Dir));   // no temporary sibling left
    }

    [Fact]
    public void BadInputIsOneLineExitTwoAndNoPicture()
    {
        var (std, rob) = Models();
        string[] common = ["pictures", "--standard", std, "--robust", rob, "--device", "cpu"];
        void Refused(string[] args, string what)
        {
            var r = Run([.. common, .. args]);
            Assert.Equal(2, r.Code);
            Assert.Contains(what, r.Err);
            Assert.False(File.Exists(P("pic.png")));
        }
        Refused(["--kind", "gradients", "--out", P("pic.jpg")], "expected a .png file");
        Refused(["--kind", "gradients", "--robust", P("nowhere"), "--out", P("pic.png")], "nowhere");
        Refused(["--kind", "large-eps", "--target", "sideways", "--out", P("pic.png")], "--target 'sideways'");
        Refused(["--kind", "large-eps", "--target", "12", "--out", P("pic.png")], "target class 12");
        Refused(["--kind", "interpolation", "--t", "0,1.5", "--out", P("pic.png")], "--t '0,1.5'");
        Refused(["--kind", "gradients", "--indices", "1,x", "--out", P("pic.png")], "--indices '1,x'");
        Refused(["--kind", "gradients", "--names", "a,b,c", "--out", P("pic.png")], "--names 'a,b,c'");
        Refused(["--kind", "large-eps", "--eps-linf", "2", "--out", P("pic.png")], "at most 1");
        Assert.Equal(2, Run([.. common, "--kind", "wobble", "--out", P("pic.png")]).Code);
        File.Delete(P("std/model.safetensors"));
        Refused(["--kind", "gradients", "--out", P("pic.png")], "model.safetensors is missing");
    }
}
