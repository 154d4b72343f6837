using FastRobust.Attacks;
using FastRobust.Cli.Commands;
using FastRobust.Data;
using FastRobust.Imaging;
using FastRobust.Pictures;
using FastRobust.Shifts.Generation;
using FastRobust.Tests.Attacks;
using FastRobust.Tests.Cli;
using FastRobust.Training;
using SkiaSharp;
using Xunit;
using static FastRobust.Tests.Cli.CliHarness;

namespace FastRobust.Tests.Pictures;

/// <summary>
/// The pictures of attack, saliency and corrupt: every tile's pixels where the grid says they are, the captions'
/// classes and probabilities against the model's logits, the verdict colours, and the colour bars' ends.
/// </summary>
public sealed class LabelledFigureTests : CliTestFolder
{
    private static readonly AttackFixture F = AttackFixture.Instance;

    private static byte Byte(double v) => (byte)Math.Round(255 * Math.Clamp(v, 0, 1));

    /// <summary>The colour of image pixel p (row-major) of a tile: the centre of its enlarged block.</summary>
    private static SKColor Pixel(SKBitmap bmp, SKRectI tile, int side, int p)
    {
        int zoom = tile.Width / side;
        return bmp.GetPixel(tile.Left + p % side * zoom + zoom / 2, tile.Top + p / side * zoom + zoom / 2);
    }

    [Fact]
    public void AttackPictureShowsOriginalPerturbationAndAdversarialWithVerdicts()
    {
        const int n = 6;
        using var model = F.LoadModel();
        var x = F.Data.Images[..(n * 784)];
        var y = F.Data.Labels[..n];
        using var r = AttackFixture.Run(model, "pgd", x, y, new AttackOptions { Epsilon = 0.15f }, seed: 1);
        var adv = r.AdversarialToArray();
        var cleanLogits = BatchedInference.Logits(model, x, n, 64);
        var advLogits = BatchedInference.Logits(model, adv, n, 64);
        var names = ClassNames.For("mnist", 10);
        var grid = AttackGrid.Build(x, adv, [n, 1, 28, 28], r, n, cleanLogits, advLogits, names);
        using var bmp = SKBitmap.Decode(grid.PngBytes());
        Assert.Equal(["original x", "perturbation δ (amplified)", "adversarial x + δ"], Enumerable.Range(0, 3).Select(grid.ColumnHeader));
        bool anySuccess = false, anyFailure = false;
        for (int i = 0; i < n; i++)
        {
            for (int p = 0; p < 784; p += 13)
            {
                Assert.Equal(Byte(x[i * 784 + p]), Pixel(bmp, grid.TileBounds(i, 0), 28, p).Red);
                Assert.Equal(Byte(adv[i * 784 + p]), Pixel(bmp, grid.TileBounds(i, 2), 28, p).Red);
            }
            // the largest change reaches black (−) or white (+) in the perturbation tile; no change is mid-grey
            int strongest = 0, still = -1;
            for (int p = 0; p < 784; p++)
            {
                float d = adv[i * 784 + p] - x[i * 784 + p];
                if (Math.Abs(d) > Math.Abs(adv[i * 784 + strongest] - x[i * 784 + strongest])) strongest = p;
                if (d == 0) still = p;
            }
            byte end = Pixel(bmp, grid.TileBounds(i, 1), 28, strongest).Red;
            Assert.Equal(adv[i * 784 + strongest] > x[i * 784 + strongest] ? 255 : 0, end);
            if (still >= 0) Assert.Equal(128, Pixel(bmp, grid.TileBounds(i, 1), 28, still).Red);
            // captions: true class, then each prediction with its probability from the logits in double
            var clean = ClassPrediction.FromLogits(cleanLogits.AsSpan(i * 10, 10));
            var attacked = ClassPrediction.FromLogits(advLogits.AsSpan(i * 10, 10));
            Assert.Equal(r.CleanPrediction[i], clean.Class);
            Assert.Equal(r.Prediction[i], attacked.Class);
            Assert.Equal($"true: {y[i]}\npred: {clean.Caption(names)}", grid.Caption(i, 0));
            Assert.Equal($"pred: {attacked.Caption(names)}", grid.Caption(i, 2));
            var verdict = !r.Attacked[i] ? AttackGrid.NotAttacked : r.Success[i] ? AttackGrid.Succeeded : AttackGrid.Failed;
            Assert.Equal(verdict, grid.CaptionColour(i, 2));
            anySuccess |= r.Attacked[i] && r.Success[i];
            anyFailure |= r.Attacked[i] && !r.Success[i];
        }
        Assert.True(anySuccess && anyFailure, "ε 0.15 should fool some samples and not others");
        Assert.Contains(grid.Legend, l => l.Swatch == AttackGrid.Succeeded);
        Assert.Contains(grid.Legend, l => l.Swatch == AttackGrid.Failed);
    }

    [Fact]
    public void SaliencyPictureColoursEachMapOnTheHeatScaleWithItsBar()
    {
        const int n = 3;
        using var model = F.LoadModel();
        var x = F.Data.Images[..(n * 784)];
        var y = F.Data.Labels[..n];
        var g = BatchedInference.LossInputGradient(model, x, y, 64);
        var grid = SaliencyPicture.Build(x, g, [n, 1, 28, 28], y, n);
        using var bmp = SKBitmap.Decode(grid.PngBytes());
        for (int i = 0; i < n; i++)
        {
            var map = g.AsSpan(i * 784, 784).ToArray().Select(Math.Abs).ToArray();
            float max = map.Max();
            for (int p = 0; p < 784; p += 7)
            {
                var (r, gr, b) = ColourMap.Heat.Colour(map[p] / max);
                var got = Pixel(bmp, grid.TileBounds(i, 1), 28, p);
                Assert.True(Math.Abs(got.Red - Byte(r)) <= 1 && Math.Abs(got.Green - Byte(gr)) <= 1 && Math.Abs(got.Blue - Byte(b)) <= 1, $"image {i} pixel {p}: {got}");
            }
            Assert.StartsWith("max ", grid.Caption(i, 1));
        }
        // the colour bar runs from the map's 0 (left) to its max (right)
        var bar = grid.ColourBarBounds()!.Value;
        var (lr, lg, lb) = ColourMap.Heat.Colour(0);
        var (hr, hg, hb) = ColourMap.Heat.Colour(1);
        Assert.Equal(new SKColor(Byte(lr), Byte(lg), Byte(lb)), bmp.GetPixel(bar.Left, bar.MidY));
        Assert.Equal(new SKColor(Byte(hr), Byte(hg), Byte(hb)), bmp.GetPixel(bar.Right - 1, bar.MidY));
    }

    [Fact]
    public void CorruptPictureNamesRowsAndColumnsAndShowsTheWrittenImages()
    {
        var (code, _, err) = Run("corrupt", "--dataset", "mnist", "--split", "test", "--corruption", "gaussian_noise,contrast", "--severity", "1,3",
            "--limit", "4", "--png-index", "2", "--out", P("c"), "--png", P("png"), "--seed", "4", "--device", "cpu");
        Assert.True(code == 0, err);
        var data = DataLocator.Load("mnist", "test").Take(4);
        var corruptions = new[] { Corruptions.Get("gaussian_noise"), Corruptions.Get("contrast") };
        var frame = CorruptCommand.CorruptionGrid("mnist", "test", 2, data, corruptions, [1, 3]);
        Assert.Equal(["clean", "severity 1", "severity 3"], Enumerable.Range(0, 3).Select(frame.ColumnHeader));
        Assert.Equal(["gaussian_noise", "contrast"], Enumerable.Range(0, 2).Select(frame.RowHeader));
        using var bmp = SKBitmap.Decode(P("png/corruptions.png"));
        for (int ci = 0; ci < 2; ci++)
        {
            var (bytes, _) = Npy.ReadUInt8(P($"c/{corruptions[ci].Name}.npy")); // [2·4, 28, 28, 1], severity-major
            for (int p = 0; p < 784; p += 5)
            {
                Assert.Equal(Byte(data.Images[2 * 784 + p]), Pixel(bmp, frame.TileBounds(ci, 0), 28, p).Red);
                for (int k = 0; k < 2; k++)
                    Assert.Equal(bytes[(k * 4 + 2) * 784 + p], Pixel(bmp, frame.TileBounds(ci, k + 1), 28, p).Red);
            }
        }
    }
}
