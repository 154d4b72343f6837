using FastRobust.Shifts.Generation;
using FastRobust.Shifts.Generation.Passes;
using Xunit;

namespace FastRobust.Tests.Shifts;

/// <summary>The primitive passes against plain float64 implementations of their definitions.</summary>
public class PassTests
{
    private static double[] Plane(int h, int w, int seed)
    {
        var r = new System.Random(seed);
        return Enumerable.Range(0, h * w).Select(_ => r.NextDouble()).ToArray();
    }

    [Theory]
    [InlineData(0.4, 4.0, 0)]
    [InlineData(1.0, 4.0, 0)]
    [InlineData(6.4, 3.0, 1)]
    [InlineData(0.96, 3.0, 1)]
    public void GaussianFilterIsTheTwoDimensionalSum(double sigma, double truncate, int border)
    {
        var mode = (BorderMode)border;
        int h = 13, w = 21;
        var src = Plane(h, w, 1);
        var dst = new double[h * w];
        GaussianFilter.Apply(src, dst, h, w, sigma, truncate, mode, new double[h * w], new double[w + 64]);
        int r = (int)(truncate * sigma + 0.5);
        var g = Enumerable.Range(-r, 2 * r + 1).Select(x => Math.Exp(-x * x / (2 * sigma * sigma))).ToArray();
        double norm = g.Sum();
        for (int y = 0; y < h; y++)
            for (int x = 0; x < w; x++)
            {
                double sum = 0;
                for (int i = -r; i <= r; i++)
                    for (int j = -r; j <= r; j++)
                        sum += g[i + r] * g[j + r] / (norm * norm) * src[Border.Index(y + i, h, mode) * w + Border.Index(x + j, w, mode)];
                Assert.Equal(sum, dst[y * w + x], 12);
            }
    }

    [Fact]
    public void BorderModesMirrorAsTheirLibrariesDo()
    {
        // n = 4: nearest a a | a b c d | d d; reflect b a | a b c d | d c; reflect-101 c b | a b c d | c b
        Assert.Equal([0, 0, 0, 1, 2, 3, 3, 3], Enumerable.Range(-2, 8).Select(i => Border.Index(i, 4, BorderMode.Nearest)));
        Assert.Equal([1, 0, 0, 1, 2, 3, 3, 2], Enumerable.Range(-2, 8).Select(i => Border.Index(i, 4, BorderMode.Reflect)));
        Assert.Equal([2, 1, 0, 1, 2, 3, 2, 1], Enumerable.Range(-2, 8).Select(i => Border.Index(i, 4, BorderMode.Reflect101)));
        Assert.Equal(3, Border.Index(-12, 4, BorderMode.Reflect)); // -12 → period 8 → 4 → mirrored to 3
    }

    [Fact]
    public void ClippedZoomByOneIsTheIdentityAndZoomsTheCentre()
    {
        var src = Plane(32, 32, 2);
        var dst = new double[32 * 32];
        new ClippedZoom(32, 32, 1.0).Apply(src, dst, new double[33 * 33]);
        Assert.Equal(src, dst);
        // a horizontal ramp zoomed by 2 about the centre: crop 16 px (8..23), 32 outputs spanning them
        var ramp = Enumerable.Range(0, 1024).Select(i => (double)(i % 32)).ToArray();
        new ClippedZoom(32, 32, 2.0).Apply(ramp, dst, new double[33 * 33]);
        for (int x = 0; x < 32; x++) Assert.Equal(8 + x * 15.0 / 31, dst[5 * 32 + x], 9);
    }

    [Fact]
    public void HsvRoundTripsAndFollowsTheDefinition()
    {
        var r = new System.Random(4);
        for (int i = 0; i < 2000; i++)
        {
            double red = r.Next(256) / 255.0, green = r.Next(256) / 255.0, blue = r.Next(256) / 255.0;
            var (h, s, v) = Hsv.FromRgb(red, green, blue);
            Assert.Equal(Math.Max(red, Math.Max(green, blue)), v);
            Assert.InRange(h, 0, 1);
            var (r2, g2, b2) = Hsv.ToRgb(h, s, v);
            Assert.Equal(red, r2, 12);
            Assert.Equal(green, g2, 12);
            Assert.Equal(blue, b2, 12);
        }
        Assert.Equal((0.0, 1.0, 1.0), Hsv.FromRgb(1, 0, 0));
        Assert.Equal(1 / 3.0, Hsv.FromRgb(0, 1, 0).H, 12);
    }

    [Theory]
    [InlineData(0.5)]
    [InlineData(5)]
    [InlineData(9.99)]
    [InlineData(10)]
    [InlineData(63.7)]
    [InlineData(450)]
    public void PoissonSamplesHaveThePoissonDistribution(double lambda)
    {
        // χ² of 20,000 counter-keyed draws against the Poisson pmf, bins with expected count ≥ 5 (tails pooled)
        const int n = 20_000;
        var counts = new Dictionary<int, int>();
        for (int i = 0; i < n; i++)
        {
            int k = Poisson.Sample(lambda, new ShotNoise.PixelPairs(new CorruptionRandom(77, 1, 3, i / 1000), i % 1000));
            counts[k] = counts.GetValueOrDefault(k) + 1;
        }
        double Pmf(int k) => Math.Exp(-lambda + k * Math.Log(lambda) - Poisson.LogGamma(k + 1));
        int lo = (int)Math.Max(0, lambda - 6 * Math.Sqrt(lambda) - 3), hi = (int)(lambda + 6 * Math.Sqrt(lambda) + 3);
        var bins = new List<(double Expected, int Observed)>();
        double accE = 0; int accO = 0;
        double tailLow = 0; for (int k = 0; k < lo; k++) tailLow += Pmf(k);
        accE = tailLow * n; accO = counts.Where(kv => kv.Key < lo).Sum(kv => kv.Value);
        for (int k = lo; k <= hi; k++)
        {
            accE += Pmf(k) * n;
            accO += counts.GetValueOrDefault(k);
            if (accE >= 5) { bins.Add((accE, accO)); accE = 0; accO = 0; }
        }
        accO += counts.Where(kv => kv.Key > hi).Sum(kv => kv.Value);
        bins[^1] = (bins[^1].Expected + accE, bins[^1].Observed + accO);
        double chi2 = bins.Sum(b => (b.Observed - b.Expected) * (b.Observed - b.Expected) / b.Expected);
        int df = bins.Count - 1;
        // mean + 5 standard deviations of χ²(df): a false alarm well below 1e-4
        Assert.True(chi2 < df + 5 * Math.Sqrt(2.0 * df), $"λ = {lambda}: χ² = {chi2:F1} on {df} degrees of freedom");
        double mean = counts.Sum(kv => (double)kv.Key * kv.Value) / n;
        Assert.InRange(mean, lambda - 5 * Math.Sqrt(lambda / n), lambda + 5 * Math.Sqrt(lambda / n));
    }

    [Fact]
    public void LogGammaIsLogFactorial()
    {
        double logFact = 0;
        for (int k = 1; k < 200; k++)
        {
            logFact += Math.Log(k);
            Assert.Equal(logFact, Poisson.LogGamma(k + 1), 9);
        }
    }

    [Fact]
    public void MotionBlurIsTheOneSidedGaussianAlongTheAngle()
    {
        // a single bright pixel: output (x, y) reads it when (x + round(i·cos θ), y + round(i·sin θ)) hits it
        var src = new byte[32 * 32];
        src[16 * 32 + 16] = 255;
        var dst = new byte[32 * 32];
        new MotionBlur(6, 1, 30).Apply(src, dst, 32, 32);
        var k = Enumerable.Range(0, 13).Select(i => Math.Exp(-i * i / 2.0)).ToArray();
        double sum = k.Sum();
        // measured with ImageMagick 6.9.11 through Wand: 145 at the pixel, 88 one left, 19 and 1 further up-left
        Assert.Equal(145, dst[16 * 32 + 16]);
        Assert.Equal(88, dst[16 * 32 + 15]);
        Assert.Equal(19, dst[15 * 32 + 14]);
        Assert.Equal(1, dst[15 * 32 + 13]);
        Assert.Equal((int)((int)(k[2] / sum * 65535 + 0.5) / 257), dst[15 * 32 + 14]);
        Assert.Equal(253, dst.Sum(b => b)); // ⌊·⌋ of every tap
    }

    [Fact]
    public void PilBoxResizeAveragesWholeBlocks()
    {
        // 8 → 4 pixels: each output is the rounded mean of two inputs; 4 → 8 copies each pixel twice
        var src = new byte[] { 10, 20, 30, 41, 50, 60, 70, 80 };
        var down = new byte[4];
        new PilBoxResize(1, 8, 1, 4).Apply(src, down, new byte[8]);
        Assert.Equal(new byte[] { 15, 36, 55, 75 }, down);
        var up = new byte[8];
        new PilBoxResize(1, 4, 1, 8).Apply(down, up, new byte[8]);
        Assert.Equal(new byte[] { 15, 15, 36, 36, 55, 55, 75, 75 }, up);
    }

    [Fact]
    public void DistanceTransformIsTheChamferDistance()
    {
        // one zero pixel: distances 1, 1.4, 2.1969 for the 5 × 5 neighbours and sums of steps beyond
        var src = Enumerable.Repeat((byte)255, 11 * 11).ToArray();
        src[5 * 11 + 5] = 0;
        var d = new float[11 * 11];
        DistanceTransform.Apply(src, d, 11, 11);
        Assert.Equal(0f, d[5 * 11 + 5]);
        Assert.Equal(1f, d[5 * 11 + 6]);
        Assert.Equal(1.4f, d[6 * 11 + 6], 3);
        Assert.Equal(2.1969f, d[6 * 11 + 7], 3);
        Assert.Equal(2f, d[5 * 11 + 7]);
        Assert.Equal(2.8f, d[7 * 11 + 7], 3);
    }

    [Fact]
    public void PlasmaFractalSpansZeroToOneAndUsesItsDraws()
    {
        var map = new double[32 * 32];
        int used = 0;
        PlasmaFractal.Generate(map, 32, 3, i => { used = Math.Max(used, i + 1); return (i * 0.618034) % 1; });
        Assert.Equal(PlasmaFractal.Draws(32), used);
        Assert.Equal(0, map.Min());
        Assert.Equal(1, map.Max());
    }
}
