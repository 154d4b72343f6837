using System.Collections.Concurrent;
using FastRobust.Shifts.Generation.Jpeg;
using FastRobust.Shifts.Generation.Passes;

namespace FastRobust.Shifts.Generation;

/// <summary>V += c in HSV (skimage's conversions), clipped; c = 0.05, 0.1, 0.15, 0.2, 0.3. Grey: x + c.</summary>
public sealed class Brightness : Corruption
{
    internal static readonly double[] C = [0.05, 0.1, 0.15, 0.2, 0.3];
    public override string Name => "brightness";
    public override string Title => "Brightness";
    public override string Family => "digital";
    public override string Describe(int s) => $"HSV value + {C[s - 1]}";

    public override void Apply(ReadOnlySpan<byte> src, Span<double> dst, ImageShape shape, int severity, in CorruptionRandom rng, Workspace ws)
    {
        double c = C[severity - 1];
        int p = shape.Plane;
        if (shape.C == 1)
        {
            for (int i = 0; i < p; i++) dst[i] = Out(Math.Clamp(Unit(src[i]) + c, 0, 1));
            return;
        }
        for (int i = 0; i < p; i++)
        {
            var (h, s, v) = Hsv.FromRgb(Unit(src[i]), Unit(src[p + i]), Unit(src[2 * p + i]));
            var (r, g, b) = Hsv.ToRgb(h, s, Math.Clamp(v + c, 0, 1));
            dst[i] = Out(r);
            dst[p + i] = Out(g);
            dst[2 * p + i] = Out(b);
        }
    }
}

/// <summary>(x − mean)·c + mean per channel, c = 0.75, 0.5, 0.4, 0.3, 0.15.</summary>
public sealed class Contrast : Corruption
{
    internal static readonly double[] C = [0.75, 0.5, 0.4, 0.3, 0.15];
    public override string Name => "contrast";
    public override string Title => "Contrast";
    public override string Family => "digital";
    public override string Describe(int s) => $"contrast × {C[s - 1]} about the channel mean";

    public override void Apply(ReadOnlySpan<byte> src, Span<double> dst, ImageShape shape, int severity, in CorruptionRandom rng, Workspace ws)
    {
        double c = C[severity - 1];
        int p = shape.Plane;
        for (int ch = 0; ch < shape.C; ch++)
        {
            double sum = 0;
            for (int i = 0; i < p; i++) sum += Unit(src[ch * p + i]);
            double mean = sum / p;
            for (int i = 0; i < p; i++) dst[ch * p + i] = Out((Unit(src[ch * p + i]) - mean) * c + mean);
        }
    }
}

/// <summary>
/// S ← S·a + b in HSV, clipped; (a, b) = (0.3, 0), (0.1, 0), (1.5, 0), (2, 0.1), (2.5, 0.2). Not defined for
/// 1-channel images (a grey pixel has no hue; the original would tint it red). Held out of mCE; note severities
/// 1–2 desaturate and 3–5 saturate, so distance from the clean image is not monotone in severity.
/// </summary>
public sealed class Saturate : Corruption
{
    internal static readonly (double A, double B)[] C = [(0.3, 0), (0.1, 0), (1.5, 0), (2, 0.1), (2.5, 0.2)];
    public override string Name => "saturate";
    public override string Title => "Saturate";
    public override string Family => "digital";
    public override bool Benchmark => false;
    public override bool SupportsGray => false;
    public override string Describe(int s) => $"HSV saturation × {C[s - 1].A} + {C[s - 1].B}";

    public override void Apply(ReadOnlySpan<byte> src, Span<double> dst, ImageShape shape, int severity, in CorruptionRandom rng, Workspace ws)
    {
        if (shape.C != 3) throw new ArgumentException("saturate needs 3-channel images");
        var (a, b) = C[severity - 1];
        int p = shape.Plane;
        for (int i = 0; i < p; i++)
        {
            var (h, s, v) = Hsv.FromRgb(Unit(src[i]), Unit(src[p + i]), Unit(src[2 * p + i]));
            var (r, g, bl) = Hsv.ToRgb(h, Math.Clamp(s * a + b, 0, 1), v);
            dst[i] = Out(r);
            dst[p + i] = Out(g);
            dst[2 * p + i] = Out(bl);
        }
    }
}

/// <summary>
/// Elastic transform (after Simard et al.): a random affine warp moving the corners of a centred triangle (side
/// 2·⌊n/3⌋) by U(−a, a) each, then a displacement field of uniform noise blurred by σ (reflected, truncate 3) and
/// scaled by α. With n the image side (32 for CIFAR): (α, σ, a) = n·(0, 0, 0.08), n·(0.05, 0.2, 0.07),
/// n·(0.08, 0.06, 0.06), n·(0.1, 0.04, 0.05), n·(0.1, 0.03, 0.03).
/// </summary>
public sealed class ElasticTransform : Corruption
{
    internal static readonly (double Alpha, double Sigma, double Affine)[] C =
        [(0, 0, 0.08), (0.05, 0.2, 0.07), (0.08, 0.06, 0.06), (0.1, 0.04, 0.05), (0.1, 0.03, 0.03)];
    public override string Name => "elastic_transform";
    public override string Title => "Elastic Transform";
    public override string Family => "digital";

    public override string Describe(int s)
    {
        var c = C[s - 1];
        return $"α = {c.Alpha}·n, σ = {c.Sigma}·n, affine jitter {c.Affine}·n (n = image side)";
    }

    /// <summary>α, σ and the affine jitter in pixels for an image of this shape (n = its smaller side).</summary>
    internal static (double Alpha, double Sigma, double Jitter) Scaled(ImageShape shape, int severity)
    {
        int n = Math.Min(shape.H, shape.W);
        var c = C[severity - 1];
        return (n * c.Alpha, n * c.Sigma, n * c.Affine);
    }

    /// <summary>The image's random affine (2 × 3, OpenCV's getAffineTransform of the jittered triangle); draws field 0.</summary>
    internal static double[] Affine(ImageShape shape, int severity, in CorruptionRandom rng)
    {
        int h = shape.H, w = shape.W, n = Math.Min(h, w);
        double jitter = Scaled(shape, severity).Jitter;
        // centre_square = float32(shape) // 2 as (x, y) pairs exactly as the original builds them (row count first)
        float cy = h / 2, cx = w / 2;
        int side = n / 3;
        Span<double> from = [cy + side, cx + side, cy + side, cx - side, cy - side, cx - side];
        Span<double> to = stackalloc double[6];
        for (int i = 0; i < 6; i++) to[i] = (float)((float)from[i] + (float)(-jitter + 2 * jitter * rng.Uniform(0, i)));
        return ElasticWarp.AffineFromPoints(from, to);
    }

    public override void Apply(ReadOnlySpan<byte> src, Span<double> dst, ImageShape shape, int severity, in CorruptionRandom rng, Workspace ws)
    {
        int h = shape.H, w = shape.W, p = shape.Plane;
        var (alpha, sigma, _) = Scaled(shape, severity);
        var m = Affine(shape, severity, rng);
        var noise = ws.Doubles(0, p);
        var tmp = ws.Doubles(1, p);
        var pad = ws.Doubles(2, w + 2 * (int)(3 * sigma + 0.5) + 8);
        var dx = ws.Doubles(3, p);
        var dy = ws.Doubles(4, p);
        for (int i = 0; i < p; i++) noise[i] = -1 + 2 * rng.Uniform(1, i);
        Field(noise, dx, h, w, sigma, alpha, tmp, pad);
        for (int i = 0; i < p; i++) noise[i] = -1 + 2 * rng.Uniform(2, i);
        Field(noise, dy, h, w, sigma, alpha, tmp, pad);
        var x = ws.Doubles(5, p);
        var warped = ws.Doubles(6, p);
        var o = ws.Doubles(7, p);
        for (int ch = 0; ch < shape.C; ch++)
        {
            for (int i = 0; i < p; i++) x[i] = src[ch * p + i] / 255f;
            ElasticWarp.WarpAffine(x, warped, h, w, m);
            for (int i = 0; i < p; i++) warped[i] = (float)warped[i];
            ElasticWarp.MapCoordinates(warped, o, h, w, dy, dx);
            for (int i = 0; i < p; i++) dst[ch * p + i] = Out32((float)o[i]);
        }
    }

    /// <summary>(gaussian(noise, σ, mode='reflect', truncate=3) · α) as float32.</summary>
    private static void Field(Span<double> noise, Span<double> field, int h, int w, double sigma, double alpha, Span<double> tmp, Span<double> pad)
    {
        if (sigma <= 1e-15) noise.CopyTo(field);
        else
        {
            var k = GaussianFilter.Kernel(sigma, 3.0);
            int r = k.Length / 2;
            var line = pad.Length >= w + 2 * r ? pad : new double[w + 2 * r];
            GaussianFilter.Rows(noise, tmp, h, w, k, BorderMode.Reflect, false);
            GaussianFilter.Columns(tmp, field, h, w, k, BorderMode.Reflect, line, false);
        }
        for (int i = 0; i < field.Length; i++) field[i] = (float)(field[i] * alpha);
    }
}

/// <summary>
/// Pixelate: Pillow's BOX resize to ⌊n·c⌋ pixels and back, c = 0.95, 0.9, 0.85, 0.75, 0.65 (30, 28, 27, 24 and 20
/// pixels for CIFAR), in Pillow's 8-bit fixed point.
/// </summary>
public sealed class Pixelate : Corruption
{
    internal static readonly double[] C = [0.95, 0.9, 0.85, 0.75, 0.65];
    private static readonly ConcurrentDictionary<(int, int, int), (PilBoxResize Down, PilBoxResize Up)> Plans = new();
    public override string Name => "pixelate";
    public override string Title => "Pixelate";
    public override string Family => "digital";
    public override string Describe(int s) => $"box down to {C[s - 1]} of the side and back";

    /// <summary>The resizes down to ⌊c·side⌋ and back of an h × w image (cached; the GPU kernels use them too).</summary>
    internal static (PilBoxResize Down, PilBoxResize Up) Plan(int h, int w, int severity) =>
        Plans.GetOrAdd((h, w, severity), k =>
        {
            double c = C[k.Item3 - 1];
            int sh = (int)(k.Item1 * c), sw = (int)(k.Item2 * c);
            return (new PilBoxResize(k.Item1, k.Item2, sh, sw), new PilBoxResize(sh, sw, k.Item1, k.Item2));
        });

    public override void Apply(ReadOnlySpan<byte> src, Span<double> dst, ImageShape shape, int severity, in CorruptionRandom rng, Workspace ws)
    {
        var (down, up) = Plan(shape.H, shape.W, severity);
        int p = shape.Plane;
        var small = ws.Bytes(0, down.OutH * down.OutW);
        var tmp = ws.Bytes(1, Math.Max(down.InH * down.OutW, up.InH * up.OutW));
        var o = ws.Bytes(2, p);
        for (int ch = 0; ch < shape.C; ch++)
        {
            down.Apply(src.Slice(ch * p, p), small, tmp);
            up.Apply(small, o, tmp);
            for (int i = 0; i < p; i++) dst[ch * p + i] = o[i];
        }
    }
}

/// <summary>
/// JPEG compression at quality 80, 65, 58, 50, 40 through our own baseline codec (<see cref="JpegCodec"/>):
/// libjpeg's scaled Annex K tables, 4:2:0 chroma, islow DCT, fancy upsampling — the settings Pillow uses.
/// 1-channel images are coded as grey JPEGs.
/// </summary>
public sealed class JpegCompression : Corruption
{
    internal static readonly int[] Quality = [80, 65, 58, 50, 40];
    public override string Name => "jpeg_compression";
    public override string Title => "JPEG";
    public override string Family => "digital";
    public override string Describe(int s) => $"quality {Quality[s - 1]}";

    public override void Apply(ReadOnlySpan<byte> src, Span<double> dst, ImageShape shape, int severity, in CorruptionRandom rng, Workspace ws)
    {
        int p = shape.Plane, n = shape.C;
        var hwc = ws.Bytes(0, shape.Size);
        for (int ch = 0; ch < n; ch++)
            for (int i = 0; i < p; i++) hwc[i * n + ch] = src[ch * p + i];
        var decoded = JpegCodec.RoundTrip(hwc, shape.W, shape.H, n, Quality[severity - 1]);
        for (int ch = 0; ch < n; ch++)
            for (int i = 0; i < p; i++) dst[ch * p + i] = decoded[i * n + ch];
    }
}
