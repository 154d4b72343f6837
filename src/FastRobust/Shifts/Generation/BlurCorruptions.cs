using System.Collections.Concurrent;
using FastRobust.Shifts.Generation.Passes;

namespace FastRobust.Shifts.Generation;

/// <summary>skimage.filters.gaussian per channel (σ = 0.4, 0.6, 0.7, 0.8, 1; truncate 4, edges repeated). Held out of mCE.</summary>
public sealed class GaussianBlur : Corruption
{
    internal static readonly double[] Sigma = [0.4, 0.6, 0.7, 0.8, 1];
    public override string Name => "gaussian_blur";
    public override string Title => "Gaussian Blur";
    public override string Family => "blur";
    public override bool Benchmark => false;
    public override string Describe(int s) => $"σ = {Sigma[s - 1]}";

    public override void Apply(ReadOnlySpan<byte> src, Span<double> dst, ImageShape shape, int severity, in CorruptionRandom rng, Workspace ws)
    {
        int p = shape.Plane;
        var x = ws.Doubles(0, p);
        var y = ws.Doubles(1, p);
        for (int c = 0; c < shape.C; c++)
        {
            for (int i = 0; i < p; i++) x[i] = Unit(src[c * p + i]);
            GaussianFilter.Apply(x, y, shape.H, shape.W, Sigma[severity - 1], 4.0, BorderMode.Nearest, ws.Doubles(2, p), ws.Doubles(3, shape.W + 64));
            for (int i = 0; i < p; i++) dst[c * p + i] = Out(y[i]);
        }
    }
}

/// <summary>
/// Frosted glass: blur (σ), truncate to 8 bits, then for each iteration and each pixel from the bottom-right corner
/// inwards (rows H−d … d+1, columns W−d … d+1) copy in the pixel (dy, dx) away, dy and dx uniform in [−d, d) —
/// make_cifar_c.py means to swap the two, but its tuple assignment through NumPy views copies — then blur again. (σ, d, iterations) = (0.05, 1, 1), (0.25, 1, 1), (0.4, 1, 1), (0.25, 1, 2), (0.4, 1, 2).
/// The swaps are sequential (a pixel may move several times), one image at a time on any device.
/// </summary>
public sealed class GlassBlur : Corruption
{
    internal static readonly (double Sigma, int Delta, int Iterations)[] C =
        [(0.05, 1, 1), (0.25, 1, 1), (0.4, 1, 1), (0.25, 1, 2), (0.4, 1, 2)];
    public override string Name => "glass_blur";
    public override string Title => "Glass Blur";
    public override string Family => "blur";
    public override string Describe(int s) => $"σ = {C[s - 1].Sigma}, max shift {C[s - 1].Delta}, {C[s - 1].Iterations} pass(es)";

    public override void Apply(ReadOnlySpan<byte> src, Span<double> dst, ImageShape shape, int severity, in CorruptionRandom rng, Workspace ws)
    {
        var (sigma, d, iterations) = C[severity - 1];
        int p = shape.Plane, h = shape.H, w = shape.W;
        var x = ws.Doubles(0, p);
        var y = ws.Doubles(1, p);
        var tmp = ws.Doubles(2, p);
        var pad = ws.Doubles(3, w + 64);
        var pixels = ws.Bytes(0, shape.Size);
        for (int c = 0; c < shape.C; c++)
        {
            for (int i = 0; i < p; i++) x[i] = Unit(src[c * p + i]);
            GaussianFilter.Apply(x, y, h, w, sigma, 4.0, BorderMode.Nearest, tmp, pad);
            for (int i = 0; i < p; i++) pixels[c * p + i] = (byte)Math.Min(y[i] * 255, 255);
        }
        long k = 0;
        for (int t = 0; t < iterations; t++)
            for (int row = h - d; row > d; row--)
                for (int col = w - d; col > d; col--, k++)
                {
                    rng.Block(0, k, out uint r0, out uint r1, out _, out _);
                    int dx = Random.Philox.Below(r0, 2 * d) - d, dy = Random.Philox.Below(r1, 2 * d) - d;
                    int a = row * w + col, b = (row + dy) * w + col + dx;
                    // the original's "swap" (x[h, w], x[h', w'] = x[h', w'], x[h, w]) assigns through NumPy views, so
                    // pixel (h, w) takes (h', w')'s value and (h', w') keeps its own: a copy, not a swap
                    for (int c = 0; c < shape.C; c++) pixels[c * p + a] = pixels[c * p + b];
                }
        for (int c = 0; c < shape.C; c++)
        {
            for (int i = 0; i < p; i++) x[i] = pixels[c * p + i] / 255.0;
            GaussianFilter.Apply(x, y, h, w, sigma, 4.0, BorderMode.Nearest, tmp, pad);
            for (int i = 0; i < p; i++) dst[c * p + i] = Out(y[i]);
        }
    }
}

/// <summary>
/// Defocus: correlation (cv2.filter2D, reflect-101 edges) with an aliased disk of radius r (pixels with
/// x² + y² ≤ r², normalised) smoothed by a 3 × 3 Gaussian of σ = alias: (r, alias) = (0.3, 0.4), (0.4, 0.5),
/// (0.5, 0.6), (1, 0.2), (1.5, 0.1). The 17 × 17 kernel of the original is zero outside its 5 × 5 centre, which is
/// what runs.
/// </summary>
public sealed class DefocusBlur : Corruption
{
    internal static readonly (double Radius, double Alias)[] C = [(0.3, 0.4), (0.4, 0.5), (0.5, 0.6), (1, 0.2), (1.5, 0.1)];
    private static readonly (double[] K, int Size)[] Kernels = C.Select(c => Kernel(c.Radius, c.Alias)).ToArray();
    public override string Name => "defocus_blur";
    public override string Title => "Defocus Blur";
    public override string Family => "blur";
    public override string Describe(int s) => $"disk radius {C[s - 1].Radius}, anti-alias σ {C[s - 1].Alias}";

    /// <summary>The disk (float32, as the original builds it) blurred by OpenCV's 3-tap Gaussian, cropped to its support.</summary>
    internal static (double[] K, int Size) Kernel(double radius, double alias)
    {
        const int n = 17, half = 8;
        if (radius > 8) throw new ArgumentException("radius above 8 uses the original's other branch, which CIFAR never needs");
        var disk = new float[n * n];
        int count = 0;
        for (int y = -half; y <= half; y++)
            for (int x = -half; x <= half; x++)
                if (x * x + y * y <= radius * radius) { disk[(y + half) * n + x + half] = 1; count++; }
        for (int i = 0; i < disk.Length; i++) disk[i] /= count;
        // cv2.getGaussianKernel(3, σ): exp(−1/2σ²) and 1, normalised in double, stored as float32
        double e = Math.Exp(-0.5 / (alias * alias)), mul = 1.0 / (e * 2 + 1);
        float a = (float)(e * mul), b = (float)mul;
        float[] g = [a, b, a];
        var blurred = new double[n * n];
        for (int y = 0; y < n; y++)
            for (int x = 0; x < n; x++)
            {
                double acc = 0;
                for (int i = 0; i < 3; i++)
                    for (int j = 0; j < 3; j++)
                        acc += (double)g[i] * g[j] * disk[Border.Index(y + i - 1, n, BorderMode.Reflect101) * n + Border.Index(x + j - 1, n, BorderMode.Reflect101)];
                blurred[y * n + x] = (float)acc;
            }
        int r = (int)Math.Floor(radius) + 1, size = 2 * r + 1;
        var k = new double[size * size];
        for (int y = 0; y < size; y++)
            for (int x = 0; x < size; x++) k[y * size + x] = blurred[(y - r + half) * n + x - r + half];
        return (k, size);
    }

    public override void Apply(ReadOnlySpan<byte> src, Span<double> dst, ImageShape shape, int severity, in CorruptionRandom rng, Workspace ws)
    {
        var (k, size) = Kernels[severity - 1];
        int p = shape.Plane;
        var x = ws.Doubles(0, p);
        var y = ws.Doubles(1, p);
        for (int c = 0; c < shape.C; c++)
        {
            for (int i = 0; i < p; i++) x[i] = Unit(src[c * p + i]);
            Stencils.Correlate(x, y, shape.H, shape.W, k, size, size, BorderMode.Reflect101);
            for (int i = 0; i < p; i++) dst[c * p + i] = Out(y[i]);
        }
    }
}

/// <summary>
/// ImageMagick's motion blur (see <see cref="MotionBlur"/>) at a uniform angle in [−45°, 45°):
/// (radius, σ) = (6, 1), (6, 1.5), (6, 2), (8, 2), (9, 2.5). The original runs ImageMagick through Wand; this is
/// the same operation written from its definition, checked against python3-wand.
/// </summary>
public sealed class MotionBlurCorruption : Corruption
{
    internal static readonly (double Radius, double Sigma)[] C = [(6, 1), (6, 1.5), (6, 2), (8, 2), (9, 2.5)];
    public override string Name => "motion_blur";
    public override string Title => "Motion Blur";
    public override string Family => "blur";
    public override string Describe(int s) => $"radius {C[s - 1].Radius}, σ {C[s - 1].Sigma}, angle U(−45°, 45°)";

    internal static double Angle(in CorruptionRandom rng) => -45 + 90 * rng.Uniform(0, 0);

    public override void Apply(ReadOnlySpan<byte> src, Span<double> dst, ImageShape shape, int severity, in CorruptionRandom rng, Workspace ws)
    {
        var (radius, sigma) = C[severity - 1];
        var blur = new MotionBlur(radius, sigma, Angle(rng));
        int p = shape.Plane;
        var o = ws.Bytes(0, p);
        for (int c = 0; c < shape.C; c++)
        {
            blur.Apply(src.Slice(c * p, p), o, shape.H, shape.W);
            for (int i = 0; i < p; i++) dst[c * p + i] = o[i];
        }
    }
}

/// <summary>
/// Zoom blur: the mean of the image and its clipped zooms by 1, 1 + δ, 1 + 2δ, … (δ = 0.01) below 1.06, 1.11, 1.16,
/// 1.21, 1.26 — as np.arange yields them in floating point, which is 7, 12, 16, 21 and 26 factors (1.06 and 1.11
/// sneak in).
/// </summary>
public sealed class ZoomBlur : Corruption
{
    internal static readonly double[] Stop = [1.06, 1.11, 1.16, 1.21, 1.26];
    private static readonly ConcurrentDictionary<(int, int, int), ClippedZoom[]> Plans = new();
    public override string Name => "zoom_blur";
    public override string Title => "Zoom Blur";
    public override string Family => "blur";
    public override string Describe(int s) => $"{Factors(s).Length} zooms, 1 to {Factors(s)[^1]:0.00}";

    /// <summary>np.arange(1, stop, 0.01): ⌈(stop − 1)/0.01⌉ values 1 + i·((1 + 0.01) − 1).</summary>
    internal static double[] Factors(int severity)
    {
        double stop = Stop[severity - 1];
        int n = (int)Math.Ceiling((stop - 1.0) / 0.01);
        double delta = (1.0 + 0.01) - 1.0;
        return Enumerable.Range(0, n).Select(i => 1.0 + i * delta).ToArray();
    }

    public override void Apply(ReadOnlySpan<byte> src, Span<double> dst, ImageShape shape, int severity, in CorruptionRandom rng, Workspace ws)
    {
        var plans = Plans.GetOrAdd((shape.H, shape.W, severity), k => Factors(k.Item3).Select(z => new ClippedZoom(k.Item1, k.Item2, z)).ToArray());
        int p = shape.Plane;
        var x = ws.Doubles(0, p);
        var acc = ws.Floats(0, p);
        var z = ws.Doubles(2, p);
        var padded = ws.Doubles(3, plans[0].PaddedSize);
        // the original's image and sum are float32 arrays; scipy interpolates in double and stores float32
        for (int c = 0; c < shape.C; c++)
        {
            for (int i = 0; i < p; i++) x[i] = (float)Unit(src[c * p + i]);
            acc.Clear();
            ClippedZoom.Pad(x, padded, shape.H, shape.W);
            foreach (var plan in plans)
            {
                plan.ApplyPadded(padded, z);
                for (int i = 0; i < p; i++) acc[i] += (float)z[i];
            }
            float n = plans.Length + 1;
            for (int i = 0; i < p; i++) dst[c * p + i] = Out32(((float)x[i] + acc[i]) / n);
        }
    }
}
