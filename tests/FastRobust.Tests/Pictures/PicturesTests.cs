using System.Globalization;
using FastRobust.Attacks;
using FastRobust.Imaging;
using FastRobust.Nn;
using FastRobust.Pictures;
using FastRobust.Tensors;
using SkiaSharp;
using Xunit;

namespace FastRobust.Tests.Pictures;

/// <summary>
/// Seed 001's pictures on a tiny MLP whose forward pass and loss are re-computed here in double: the gradient maps
/// against central finite differences, the interpolation's endpoints against x and x_adv, every caption against the
/// reference's predicted class and softmax probability, and the tiles' pixels where the grid says they are.
/// </summary>
public class PicturesTests
{
    private const int Side = 4, Classes = 3;

    /// <summary>flatten → linear 6 → relu → linear 3 on 1×4×4 images.</summary>
    private static Model Tiny(ulong seed) => Model.Create(ModelSpec.Parse("""
        { "input": [1, 4, 4], "classes": 3, "layers": [
          {"type": "flatten"}, {"type": "linear", "out": 6}, {"type": "relu"}, {"type": "linear", "out": 3} ] }
        """), Device.Cpu, seed);

    /// <summary>The tiny model's logits in double, from its weights read back from the engine.</summary>
    private sealed class Reference(Model m)
    {
        private readonly float[] _w1 = W(m, "1.weight"), _b1 = W(m, "1.bias"), _w2 = W(m, "3.weight"), _b2 = W(m, "3.bias");

        private static float[] W(Model m, string name) => m.Parameters.Single(p => p.Name == name).Value.ToArray();

        public double[] Logits(ReadOnlySpan<float> x) => Logits(x.ToArray().Select(v => (double)v).ToArray());

        public double[] Logits(double[] x)
        {
            var h = new double[6];
            for (int j = 0; j < 6; j++)
            {
                double s = _b1[j];
                for (int i = 0; i < 16; i++) s += (double)_w1[j * 16 + i] * x[i];
                h[j] = Math.Max(0, s);
            }
            var z = new double[Classes];
            for (int k = 0; k < Classes; k++)
            {
                z[k] = _b2[k];
                for (int j = 0; j < 6; j++) z[k] += (double)_w2[k * 6 + j] * h[j];
            }
            return z;
        }

        public double Loss(double[] x, int label)
        {
            var z = Logits(x);
            double max = z.Max();
            return max + Math.Log(z.Sum(v => Math.Exp(v - max))) - z[label];
        }

        /// <summary>Central finite differences of the loss, in double.</summary>
        public double[] Gradient(ReadOnlySpan<float> image, int label)
        {
            var x = image.ToArray().Select(v => (double)v).ToArray();
            var g = new double[x.Length];
            const double h = 1e-5;
            for (int i = 0; i < x.Length; i++)
            {
                double keep = x[i];
                x[i] = keep + h;
                double up = Loss(x, label);
                x[i] = keep - h;
                g[i] = (up - Loss(x, label)) / (2 * h);
                x[i] = keep;
            }
            return g;
        }

        /// <summary>The caption the picture must show: arg-max class and its softmax probability, from double logits.</summary>
        public string Caption(ReadOnlySpan<float> x)
        {
            var z = Logits(x);
            int best = Array.IndexOf(z, z.Max());
            double p = 1 / z.Sum(v => Math.Exp(v - z[best]));
            return $"{best} ({p.ToString("0.00", CultureInfo.InvariantCulture)})";
        }
    }

    private static PictureImages Images(int n, ulong seed)
    {
        var x = new float[n * Side * Side];
        for (int i = 0; i < x.Length; i++) x[i] = FastRobust.Random.Philox.Uniform(seed, 5, 0, i);
        var labels = Enumerable.Range(0, n).Select(i => i % Classes).ToArray();
        return new PictureImages(x, labels, Enumerable.Range(10, n).ToArray(), 1, Side, Side, ["0", "1", "2"]);
    }

    /// <summary>The colour of image pixel (py, px) of tile (row, column): the centre of its enlarged block.</summary>
    private static SKColor Pixel(SKBitmap bmp, LabelledGrid grid, int row, int column, int py, int px)
    {
        var tile = grid.TileBounds(row, column);
        int zoom = tile.Width / Side;
        return bmp.GetPixel(tile.Left + px * zoom + zoom / 2, tile.Top + py * zoom + zoom / 2);
    }

    private static byte Byte(double v) => (byte)Math.Round(255 * Math.Clamp(v, 0, 1));

    [Fact]
    public void LossGradientEqualsFiniteDifferencesOfAFloat64Reference()
    {
        using var model = Tiny(3);
        var reference = new Reference(model);
        var images = Images(5, 1);
        var g = GradientMap.LossGradients(model, images.Images, images.Labels);
        for (int i = 0; i < images.N; i++)
        {
            var want = reference.Gradient(images.Image(i), images.Labels[i]);
            double scale = want.Max(Math.Abs);
            Assert.True(scale > 1e-3, "the reference gradient is too small to test against");
            for (int p = 0; p < want.Length; p++)
                Assert.True(Math.Abs(g[i * 16 + p] - want[p]) <= 1e-4 * scale + 1e-6, $"image {i} pixel {p}: {g[i * 16 + p]} vs {want[p]}");
        }
    }

    [Fact]
    public void GradientPictureDrawsEachMapsSignedGradientWhereTheGridSays()
    {
        using var standard = Tiny(3);
        using var robust = Tiny(4);
        var images = Images(3, 2);
        var grid = GradientPicture.Build([new("standard", standard), new("robust", robust)], images, "test");
        using var bmp = SKBitmap.Decode(grid.PngBytes());
        for (int m = 0; m < 2; m++)
        {
            var model = m == 0 ? standard : robust;
            var reference = new Reference(model);
            for (int i = 0; i < images.N; i++)
            {
                Assert.Equal(reference.Caption(images.Image(i)), grid.Caption(m + 1, i));
                var g = reference.Gradient(images.Image(i), images.Labels[i]);
                double max = g.Max(Math.Abs);
                int strongest = Array.FindIndex(g, v => Math.Abs(v) == max);
                for (int p = 0; p < 16; p++)
                {
                    var (r, gr, b) = ColourMap.RedWhiteBlue.Colour((float)(g[p] / max));
                    var got = Pixel(bmp, grid, m + 1, i, p / Side, p % Side);
                    Assert.True(Math.Abs(got.Red - Byte(r)) <= 2 && Math.Abs(got.Green - Byte(gr)) <= 2 && Math.Abs(got.Blue - Byte(b)) <= 2,
                        $"model {m} image {i} pixel {p}: {got} for ∂L/∂x = {g[p]:G4} (max {max:G4})");
                }
                // the strongest pixel takes the end of the scale: blue when the loss grows with it, red when it falls
                var end = Pixel(bmp, grid, m + 1, i, strongest / Side, strongest % Side);
                var (er, eg, eb) = ColourMap.RedWhiteBlue.Colour(Math.Sign(g[strongest]));
                Assert.Equal(new SKColor(Byte(er), Byte(eg), Byte(eb)), end);
                Assert.True(g[strongest] > 0 ? end.Blue > 150 && end.Red < 50 : end.Red > 150 && end.Blue < 50, $"{end} for ∂L/∂x = {g[strongest]:G4}");
            }
        }
        // the originals in row 0, grey
        var x = images.Image(1);
        Assert.Equal(new SKColor(Byte(x[6]), Byte(x[6]), Byte(x[6])), Pixel(bmp, grid, 0, 1, 1, 2));
        Assert.Equal("label: 1", grid.Caption(0, 1));
        Assert.Equal("#11", grid.ColumnHeader(1));
        Assert.NotNull(grid.ColourBarBounds());
    }

    [Fact]
    public void ColourGradientsAreClippedAtThreeStandardDeviationsAroundMidGrey()
    {
        // 3 channels × 20 values: one outlier far beyond 3σ, the rest small
        var g = new float[60];
        for (int i = 0; i < g.Length; i++) g[i] = (i % 5 - 2) * 0.01f;
        g[7] = 5f;
        var img = GradientMap.Render(g, 3);
        double mean = g.Average(v => (double)v), sd = Math.Sqrt(g.Average(v => (v - mean) * (v - mean)));
        Assert.Equal(1f, img[7]);                                          // clipped at +3σ: white
        Assert.Equal(0.5 + (-0.02) / (6 * sd), img[0], 1e-6);               // inside: linear around 0.5
        Assert.Equal(0.5f, img[2]);                                         // a zero gradient is mid-grey
    }

    [Fact]
    public void InterpolationEndsAreTheImageAndItsAdversarialExampleBitForBit()
    {
        // the last three pairs are ones where the textbook x + t·(x_adv − x) misses x_adv at t = 1 by a rounding
        var x = new float[] { 0f, 0.1f, 0.3333333f, 1f, 0.7f, BitConverter.Int32BitsToSingle(1063537468),
            BitConverter.Int32BitsToSingle(1064743578), BitConverter.Int32BitsToSingle(1058106206) };
        var adv = new float[] { 0.9f, 0.1f, 0f, 0.25f, 0.70000005f, BitConverter.Int32BitsToSingle(1043185690),
            BitConverter.Int32BitsToSingle(1042500574), BitConverter.Int32BitsToSingle(1040630099) };
        Assert.Contains(Enumerable.Range(0, x.Length), i => x[i] + 1f * (adv[i] - x[i]) != adv[i]);
        Assert.Equal(x, Interpolation.At(x, adv, 0));
        Assert.Equal(adv, Interpolation.At(x, adv, 1));
        var half = Interpolation.At(x, adv, 0.5f);
        for (int i = 0; i < x.Length; i++) Assert.Equal((x[i] + adv[i]) / 2.0, half[i], 1e-7);
    }

    [Fact]
    public void InterpolationPictureShowsXThenXAdvWithEachTilesPrediction()
    {
        using var standard = Tiny(3);
        using var robust = Tiny(4);
        var images = Images(2, 3);
        var attack = new LargeEpsilonAttack(ThreatNorm.L2, 2f, 10);
        var target = TargetChoice.Parse("next", "--target");
        float[] ts = [0, 0.5f, 1];
        var models = new PictureModel[] { new("standard", standard), new("robust", robust) };
        var grid = InterpolationPicture.Build(models, images, attack, target, ts, 0, "test");
        using var bmp = SKBitmap.Decode(grid.PngBytes());
        int[] next = images.Labels.Select(l => (l + 1) % Classes).ToArray();
        for (int m = 0; m < 2; m++)
        {
            var reference = new Reference(models[m].Model);
            var (adv, targets) = attack.Run(models[m].Model, images.Images, images.Labels, next, false, 0);
            Assert.Equal(next, targets);
            for (int i = 0; i < images.N; i++)
            {
                int row = i * 2 + m;
                var x = images.Image(i);
                var xAdv = adv.AsSpan(i * 16, 16);
                double l2 = 0;
                for (int p = 0; p < 16; p++) l2 += (xAdv[p] - x[p]) * (xAdv[p] - x[p]);
                Assert.True(Math.Sqrt(l2) <= 2 + 1e-4 && l2 > 0, $"‖x_adv − x‖₂ = {Math.Sqrt(l2)}");
                for (int p = 0; p < 16; p++)
                {
                    Assert.Equal(Byte(x[p]), Pixel(bmp, grid, row, 0, p / Side, p % Side).Red);
                    Assert.Equal(Byte(xAdv[p]), Pixel(bmp, grid, row, 2, p / Side, p % Side).Red);
                }
                for (int k = 0; k < ts.Length; k++)
                {
                    var point = new float[16];
                    for (int p = 0; p < 16; p++) point[p] = (float)(x[p] + (double)ts[k] * (xAdv[p] - x[p]));
                    Assert.Equal(reference.Caption(point), grid.Caption(row, k));
                }
                Assert.Contains($"{images.Labels[i]} → {next[i]}", grid.RowHeader(row));
            }
        }
        Assert.Equal("t = 0.5", grid.ColumnHeader(1));
    }

    [Fact]
    public void LargeEpsilonPictureCaptionsEveryAdversarialExampleWithItsPrediction()
    {
        using var standard = Tiny(5);
        using var robust = Tiny(6);
        var images = Images(3, 4);
        var attacks = new[] { new LargeEpsilonAttack(ThreatNorm.L2, 3f, 8), new LargeEpsilonAttack(ThreatNorm.Linf, 0.5f, 8) };
        var target = TargetChoice.Parse("random", "--target");
        var models = new PictureModel[] { new("standard", standard), new("robust", robust) };
        var grid = LargeEpsilonPicture.Build(models, images, attacks, target, 7, "test");
        var targets = target.Targets(images.Labels, images.Indices, Classes, 7)!;
        Assert.All(Enumerable.Range(0, images.N), i => Assert.NotEqual(images.Labels[i], targets[i]));
        Assert.Equal(5, grid.Rows);
        for (int m = 0; m < 2; m++)
            for (int a = 0; a < 2; a++)
            {
                int row = 1 + m * 2 + a;
                var (adv, _) = attacks[a].Run(models[m].Model, images.Images, images.Labels, targets, false, 7);
                var reference = new Reference(models[m].Model);
                for (int i = 0; i < images.N; i++)
                    Assert.Equal(reference.Caption(adv.AsSpan(i * 16, 16)), grid.Caption(row, i));
                Assert.StartsWith(models[m].Label, grid.RowHeader(row));
            }
        for (int i = 0; i < images.N; i++)
            Assert.Equal($"label: {images.Labels[i]}\ntarget: {targets[i]}", grid.Caption(0, i));
    }
}
