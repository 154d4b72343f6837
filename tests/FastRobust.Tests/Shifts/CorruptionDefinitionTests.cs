using FastRobust.Shifts.Generation;
using Xunit;

namespace FastRobust.Tests.Shifts;

/// <summary>
/// A second reference, independent of the Python fixtures: the corruptions whose definition is a formula per value,
/// per pixel or a plain 2-D sum, written out here in float64 from make_cifar_c.py's definitions (and scikit-image's
/// HSV conversion), fed the same Philox draws, on 4 CIFAR-10 test images at every severity. Compared before the
/// final 8-bit truncation, to 1e-9 on the 0–255 scale (defocus: 1e-3, because the original stores its kernel in
/// float32 and this reference does not). The other corruptions are held to the original by
/// <see cref="CorruptionReferenceTests"/> only (docs/shifts.md, "Tests").
/// </summary>
public class CorruptionDefinitionTests
{
    private const int N = 4, H = 32, W = 32, P = H * W, Size = 3 * P;
    private static readonly ImageShape Rgb = new(3, H, W);

    private static double Clip01(double v) => Math.Min(1, Math.Max(0, v));

    /// <summary>Runs the corruption on images 0..N−1 and checks each against <paramref name="definition"/>(x, rng).</summary>
    private static void Check(string name, Func<double[], int, CorruptionRandom, double[]> definition, double tolerance = 1e-9)
    {
        var c = Corruptions.Get(name);
        var images = ShiftFixtures.Images(N);
        var ws = new Workspace();
        var ours = new double[Size];
        for (int s = 1; s <= 5; s++)
            for (int i = 0; i < N; i++)
            {
                var src = images.AsSpan(i * Size, Size);
                var rng = new CorruptionRandom(7, c.Index, s, i);
                c.Apply(src, ours, Rgb, s, rng, ws);
                var x = new double[Size];
                for (int k = 0; k < Size; k++) x[k] = src[k] / 255.0;
                var expected = definition(x, s, rng);
                for (int k = 0; k < Size; k++)
                    Assert.True(Math.Abs(ours[k] - expected[k]) <= tolerance,
                        $"{name} severity {s} image {i} value {k}: {ours[k]} vs definition {expected[k]}");
            }
    }

    private static double[] Map(double[] x, Func<int, double> f) => Enumerable.Range(0, x.Length).Select(k => Clip01(f(k)) * 255).ToArray();

    private static float[] Normals(CorruptionRandom rng)
    {
        var n = new float[Size];
        for (int k = 0; k < Size; k++) n[k] = rng.Normal(0, k);
        return n;
    }

    [Fact]
    public void GaussianNoiseIsXPlusSigmaTimesANormal()
    {
        double[] sigma = [0.04, 0.06, 0.08, 0.09, 0.10];
        Check("gaussian_noise", (x, s, rng) => { var n = Normals(rng); return Map(x, k => x[k] + n[k] * sigma[s - 1]); });
    }

    [Fact]
    public void SpeckleNoiseIsXPlusXTimesSigmaTimesANormal()
    {
        double[] sigma = [0.06, 0.1, 0.12, 0.16, 0.2];
        Check("speckle_noise", (x, s, rng) => { var n = Normals(rng); return Map(x, k => x[k] + x[k] * (n[k] * sigma[s - 1])); });
    }

    [Fact]
    public void ImpulseNoiseSetsAFractionToOneOrZero()
    {
        double[] amount = [0.01, 0.02, 0.03, 0.05, 0.07];
        Check("impulse_noise", (x, s, rng) => Map(x, k =>
        {
            double u = rng.Uniform(0, k), p = amount[s - 1];
            return u < p / 2 ? 1 : u < p ? 0 : x[k];
        }));
    }

    [Fact]
    public void ContrastScalesAboutTheChannelMean()
    {
        double[] c = [0.75, 0.5, 0.4, 0.3, 0.15];
        Check("contrast", (x, s, _) =>
        {
            var means = Enumerable.Range(0, 3).Select(ch => x.Skip(ch * P).Take(P).Average()).ToArray();
            return Map(x, k => (x[k] - means[k / P]) * c[s - 1] + means[k / P]);
        });
    }

    /// <summary>skimage.color.rgb2hsv: V = max, S = (max − min)/max, H from the channel holding the max (blue over green over red).</summary>
    private static (double H, double S, double V) ToHsv(double r, double g, double b)
    {
        double max = Math.Max(r, Math.Max(g, b)), delta = max - Math.Min(r, Math.Min(g, b));
        double s = max == 0 ? 0 : delta / max, h = 0;
        if (delta > 0)
        {
            if (r == max) h = (g - b) / delta;
            if (g == max) h = 2 + (b - r) / delta;
            if (b == max) h = 4 + (r - g) / delta;
            h = (h / 6) % 1.0;
            if (h < 0) h += 1;
        }
        return (h, s, max);
    }

    /// <summary>skimage.color.hsv2rgb: sector ⌊6h⌋, fraction f, and the p, q, t of the textbook table.</summary>
    private static (double R, double G, double B) ToRgb(double h, double s, double v)
    {
        double h6 = h * 6, f = h6 - Math.Floor(h6);
        int sector = (int)Math.Floor(h6) % 6;
        double p = v * (1 - s), q = v * (1 - f * s), t = v * (1 - (1 - f) * s);
        return sector switch
        {
            0 => (v, t, p), 1 => (q, v, p), 2 => (p, v, t), 3 => (p, q, v), 4 => (t, p, v), _ => (v, p, q),
        };
    }

    private static double[] PerPixelHsv(double[] x, Func<(double H, double S, double V), (double H, double S, double V)> f)
    {
        var o = new double[Size];
        for (int i = 0; i < P; i++)
        {
            var hsv = f(ToHsv(x[i], x[P + i], x[2 * P + i]));
            var (r, g, b) = ToRgb(hsv.H, hsv.S, hsv.V);
            o[i] = Clip01(r) * 255;
            o[P + i] = Clip01(g) * 255;
            o[2 * P + i] = Clip01(b) * 255;
        }
        return o;
    }

    [Fact]
    public void BrightnessRaisesTheHsvValue()
    {
        double[] c = [0.05, 0.1, 0.15, 0.2, 0.3];
        Check("brightness", (x, s, _) => PerPixelHsv(x, hsv => (hsv.H, hsv.S, Clip01(hsv.V + c[s - 1]))));
    }

    [Fact]
    public void SaturateScalesAndShiftsTheHsvSaturation()
    {
        (double A, double B)[] c = [(0.3, 0), (0.1, 0), (1.5, 0), (2, 0.1), (2.5, 0.2)];
        Check("saturate", (x, s, _) => PerPixelHsv(x, hsv => (hsv.H, Clip01(hsv.S * c[s - 1].A + c[s - 1].B), hsv.V)));
    }

    /// <summary>Σ k(dy, dx)·x(y + dy, x + dx) per channel with a border rule, the 2-D sum without separation.</summary>
    private static double[] Correlate(double[] x, double[,] k, Func<int, int, int> border)
    {
        int r = k.GetLength(0) / 2;
        var o = new double[Size];
        for (int ch = 0; ch < 3; ch++)
            for (int y = 0; y < H; y++)
                for (int xx = 0; xx < W; xx++)
                {
                    double sum = 0;
                    for (int dy = -r; dy <= r; dy++)
                        for (int dx = -r; dx <= r; dx++)
                            sum += k[dy + r, dx + r] * x[ch * P + border(y + dy, H) * W + border(xx + dx, W)];
                    o[ch * P + y * W + xx] = Clip01(sum) * 255;
                }
        return o;
    }

    [Fact]
    public void GaussianBlurIsTheTruncatedGaussianSumWithEdgesRepeated()
    {
        double[] sigma = [0.4, 0.6, 0.7, 0.8, 1];
        Check("gaussian_blur", (x, s, _) =>
        {
            double sg = sigma[s - 1];
            int r = (int)(4 * sg + 0.5);
            var k = new double[2 * r + 1, 2 * r + 1];
            double total = 0;
            for (int i = -r; i <= r; i++)
                for (int j = -r; j <= r; j++) total += k[i + r, j + r] = Math.Exp(-(i * i + j * j) / (2 * sg * sg));
            for (int i = 0; i < 2 * r + 1; i++)
                for (int j = 0; j < 2 * r + 1; j++) k[i, j] /= total;
            return Correlate(x, k, (i, n) => Math.Clamp(i, 0, n - 1));
        });
    }

    [Fact]
    public void DefocusBlurIsTheAntiAliasedDisk()
    {
        (double R, double Alias)[] c = [(0.3, 0.4), (0.4, 0.5), (0.5, 0.6), (1, 0.2), (1.5, 0.1)];
        Check("defocus_blur", (x, s, _) =>
        {
            var (radius, alias) = c[s - 1];
            // the disk of pixels with dx² + dy² ≤ r², normalised, correlated with the 3 × 3 Gaussian of σ = alias
            // (cv2.GaussianBlur's 3-tap kernel: exp(−1/2σ²), 1, exp(−1/2σ²), normalised); r ≤ 1.5 leaves a 5 × 5 support
            const int half = 3;
            var disk = new double[2 * half + 1, 2 * half + 1];
            int count = 0;
            for (int i = -half; i <= half; i++)
                for (int j = -half; j <= half; j++)
                    if (i * i + j * j <= radius * radius) { disk[i + half, j + half] = 1; count++; }
            double e = Math.Exp(-0.5 / (alias * alias));
            double[] g = [e / (1 + 2 * e), 1 / (1 + 2 * e), e / (1 + 2 * e)];
            var k = new double[2 * half + 1, 2 * half + 1];
            for (int i = 1; i < 2 * half; i++)
                for (int j = 1; j < 2 * half; j++)
                    for (int a = -1; a <= 1; a++)
                        for (int b = -1; b <= 1; b++) k[i, j] += g[a + 1] * g[b + 1] * disk[i + a, j + b] / count;
            // cv2.filter2D's default border: reflect-101 (… c b | a b c d | c b …)
            return Correlate(x, k, (i, n) => i < 0 ? -i : i >= n ? 2 * n - 2 - i : i);
        }, tolerance: 1e-3);
    }
}
