using System.Collections.Concurrent;
using FastRobust.Shifts.Generation.Passes;

namespace FastRobust.Shifts.Generation;

/// <summary>
/// Snow: a layer N(loc, scale²) per pixel, clipped-zoomed by z, zeroed below a threshold, truncated to 8 bits and
/// motion-blurred (ImageMagick's definition, radius r, σ, angle uniform in [−135°, −45°)); the image is whitened
/// towards max(x, 1.5·grey + 0.5) with weight 1 − b, and the layer and its 180° rotation are added.
/// (loc, scale, z, threshold, r, σ, b) = (0.1, 0.2, 1, 0.6, 8, 3, 0.95), (0.1, 0.2, 1, 0.5, 10, 4, 0.9),
/// (0.15, 0.3, 1.75, 0.55, 10, 4, 0.9), (0.25, 0.3, 2.25, 0.6, 12, 6, 0.85), (0.3, 0.3, 1.25, 0.65, 14, 12, 0.8).
/// </summary>
public sealed class Snow : Corruption
{
    internal static readonly (double Loc, double Scale, double Zoom, double Threshold, double Radius, double Sigma, double Blend)[] C =
    [
        (0.1, 0.2, 1, 0.6, 8, 3, 0.95), (0.1, 0.2, 1, 0.5, 10, 4, 0.9), (0.15, 0.3, 1.75, 0.55, 10, 4, 0.9),
        (0.25, 0.3, 2.25, 0.6, 12, 6, 0.85), (0.3, 0.3, 1.25, 0.65, 14, 12, 0.8),
    ];
    private static readonly ConcurrentDictionary<(int, int, int), ClippedZoom> Zooms = new();
    public override string Name => "snow";
    public override string Title => "Snow";
    public override string Family => "weather";

    public override string Describe(int s)
    {
        var c = C[s - 1];
        return $"flakes N({c.Loc}, {c.Scale}²) zoomed ×{c.Zoom}, kept above {c.Threshold}, motion blur radius {c.Radius} σ {c.Sigma}, image weight {c.Blend}";
    }

    internal static double Angle(in CorruptionRandom rng) => -135 + 90 * rng.Uniform(1, 0);

    public override void Apply(ReadOnlySpan<byte> src, Span<double> dst, ImageShape shape, int severity, in CorruptionRandom rng, Workspace ws)
    {
        var c = C[severity - 1];
        int p = shape.Plane, h = shape.H, w = shape.W;
        var normals = ws.Floats(0, p);
        rng.Normals(0, normals);
        var layer = ws.Doubles(0, p);
        var zoomed = ws.Doubles(1, p);
        for (int i = 0; i < p; i++) layer[i] = c.Loc + c.Scale * normals[i];
        var zoom = Zooms.GetOrAdd((h, w, severity), k => new ClippedZoom(k.Item1, k.Item2, C[k.Item3 - 1].Zoom));
        zoom.Apply(layer, zoomed, ws.Doubles(2, zoom.PaddedSize));
        var flakes = ws.Bytes(0, p);
        for (int i = 0; i < p; i++)
        {
            double v = zoomed[i] < c.Threshold ? 0 : zoomed[i];
            flakes[i] = (byte)(Math.Clamp(v, 0, 1) * 255);
        }
        var blurred = ws.Bytes(1, p);
        new MotionBlur(c.Radius, c.Sigma, Angle(rng)).Apply(flakes, blurred, h, w);
        // the image side runs in float32 as the original's does (x is a float32 array there)
        float blend = (float)c.Blend, rest = (float)(1 - c.Blend);
        for (int i = 0; i < p; i++)
        {
            float grey = shape.C == 3 ? 0.299f * Unit32(src[i]) + 0.587f * Unit32(src[p + i]) + 0.114f * Unit32(src[2 * p + i]) : Unit32(src[i]);
            double flake = blurred[i] / 255.0, rotated = blurred[p - 1 - i] / 255.0;
            for (int ch = 0; ch < shape.C; ch++)
            {
                float x = Unit32(src[ch * p + i]);
                float whitened = blend * x + rest * Math.Max(x, grey * 1.5f + 0.5f);
                dst[ch * p + i] = Out(whitened + flake + rotated);
            }
        }
    }

    private static float Unit32(byte b) => b / 255f;
}

/// <summary>
/// Fog: a plasma fractal (diamond-square, wibble decay d) of amplitude a is added to every channel and the result
/// rescaled by max/(max + a), max the image's largest value. (a, d) = (0.2, 3), (0.5, 3), (0.75, 2.5), (1, 2), (1.5, 1.75).
/// </summary>
public sealed class Fog : Corruption
{
    internal static readonly (double Amount, double Decay)[] C = [(0.2, 3), (0.5, 3), (0.75, 2.5), (1, 2), (1.5, 1.75)];
    public override string Name => "fog";
    public override string Title => "Fog";
    public override string Family => "weather";
    public override string Describe(int s) => $"fractal amplitude {C[s - 1].Amount}, wibble decay {C[s - 1].Decay}";

    /// <summary>The smallest power of two covering the image (32 for CIFAR, as the original's mapsize).</summary>
    internal static int MapSize(ImageShape shape) => PlasmaFractal.MapSize(shape.H, shape.W);

    public override void Apply(ReadOnlySpan<byte> src, Span<double> dst, ImageShape shape, int severity, in CorruptionRandom rng, Workspace ws)
    {
        var (amount, decay) = C[severity - 1];
        int m = MapSize(shape), p = shape.Plane, w = shape.W;
        var map = ws.Doubles(0, m * m);
        var r = rng;
        PlasmaFractal.Generate(map, m, decay, i => r.Uniform(0, i));
        double max = 0;
        for (int i = 0; i < shape.Size; i++) max = Math.Max(max, Unit(src[i]));
        for (int ch = 0; ch < shape.C; ch++)
            for (int i = 0; i < p; i++)
            {
                int y = i / w, x = i - y * w;
                double v = Unit(src[ch * p + i]) + amount * map[y * m + x];
                dst[ch * p + i] = Out(v * max / (max + amount));
            }
    }
}

/// <summary>
/// Spatter: a liquid layer N(loc, scale²) blurred (σ) and zeroed below a threshold. Severities 1–3 are water: the
/// layer's Canny edges, the distance to them (capped at 20, box-blurred, equalised), an emboss kernel and a box blur
/// shape drops whose intensity (× the layer, normalised to peak m) adds pale turquoise (175, 238, 238).
/// Severities 4–5 are mud: where the layer is above the threshold, blurred by σ₂ and kept above 0.8, the image is
/// replaced by mud brown (63, 42, 20). (loc, scale, σ, threshold, m or σ₂, mud) = (0.62, 0.1, 0.7, 0.7, 0.5, water),
/// (0.65, 0.1, 0.8, 0.7, 0.5, water), (0.65, 0.3, 1, 0.69, 0.5, water), (0.65, 0.1, 0.7, 0.69, 0.6, mud),
/// (0.65, 0.1, 0.5, 0.68, 0.6, mud). Held out of mCE. On 1-channel images the colours become their grey (0.299,
/// 0.587, 0.114) values.
/// </summary>
public sealed class Spatter : Corruption
{
    internal static readonly (double Loc, double Scale, double Sigma, double Threshold, double Intensity, bool Mud)[] C =
    [
        (0.62, 0.1, 0.7, 0.7, 0.5, false), (0.65, 0.1, 0.8, 0.7, 0.5, false), (0.65, 0.3, 1, 0.69, 0.5, false),
        (0.65, 0.1, 0.7, 0.69, 0.6, true), (0.65, 0.1, 0.5, 0.68, 0.6, true),
    ];
    internal static readonly int[] Emboss = [-2, -1, 0, -1, 1, 1, 0, 1, 2];
    public override string Name => "spatter";
    public override string Title => "Spatter";
    public override string Family => "weather";
    public override bool Benchmark => false;

    public override string Describe(int s)
    {
        var c = C[s - 1];
        return $"{(c.Mud ? "mud" : "water")}: layer N({c.Loc}, {c.Scale}²) blurred σ {c.Sigma}, threshold {c.Threshold}, {(c.Mud ? "mask σ" : "peak")} {c.Intensity}";
    }

    public override void Apply(ReadOnlySpan<byte> src, Span<double> dst, ImageShape shape, int severity, in CorruptionRandom rng, Workspace ws)
    {
        var c = C[severity - 1];
        int p = shape.Plane, h = shape.H, w = shape.W;
        var normals = ws.Floats(0, p);
        rng.Normals(0, normals);
        var layer = ws.Doubles(0, p);
        var liquid = ws.Doubles(1, p);
        for (int i = 0; i < p; i++) layer[i] = c.Loc + c.Scale * normals[i];
        GaussianFilter.Apply(layer, liquid, h, w, c.Sigma, 4.0, BorderMode.Nearest, ws.Doubles(2, p), ws.Doubles(3, w + 64));
        for (int i = 0; i < p; i++)
            if (liquid[i] < c.Threshold) liquid[i] = 0;
        if (c.Mud) Mud(src, dst, shape, c.Threshold, c.Intensity, liquid, ws);
        else Water(src, dst, shape, c.Intensity, liquid, ws);
    }

    private static void Water(ReadOnlySpan<byte> src, Span<double> dst, ImageShape shape, double peak, Span<double> liquid, Workspace ws)
    {
        int p = shape.Plane, h = shape.H, w = shape.W;
        var level = ws.Bytes(0, p);
        // (liquid * 255).astype(np.uint8); the original wraps values above 255 around, here they saturate
        for (int i = 0; i < p; i++) level[i] = (byte)Math.Min(liquid[i] * 255, 255);
        var edges = ws.Bytes(1, p);
        Canny.Apply(level, edges, h, w, 50, 150);
        for (int i = 0; i < p; i++) edges[i] = (byte)(255 - edges[i]);
        var dist = ws.Floats(1, p);
        DistanceTransform.Apply(edges, dist, h, w);
        for (int i = 0; i < p; i++) dist[i] = Math.Min(dist[i], 20f);
        var smooth = ws.Floats(2, p);
        Stencils.Box3Float(dist, smooth, h, w);
        var b = ws.Bytes(2, p);
        for (int i = 0; i < p; i++) b[i] = (byte)smooth[i];
        HistogramEqualize.Apply(b, b);
        var embossed = ws.Bytes(3, p);
        Stencils.Correlate3Bytes(b, embossed, h, w, Emboss);
        Stencils.Box3Bytes(embossed, b, h, w);
        // from here the original computes in float32 (x and the drop intensity are float32 arrays)
        var m = ws.Floats(3, p);
        float max = 0;
        for (int i = 0; i < p; i++)
        {
            // the original has replaced the layer by its 8-bit version by now, so the drops scale with that
            m[i] = (float)level[i] * b[i];
            max = Math.Max(max, m[i]);
        }
        float[] colour = WaterColour(shape.C);
        float intensity = (float)peak;
        for (int ch = 0; ch < shape.C; ch++)
            for (int i = 0; i < p; i++)
            {
                float drop = max > 0 ? m[i] / max * intensity : 0f;
                dst[ch * p + i] = Out32(src[ch * p + i] / 255f + drop * colour[ch]);
            }
    }

    private static void Mud(ReadOnlySpan<byte> src, Span<double> dst, ImageShape shape, double threshold, double sigma, Span<double> liquid, Workspace ws)
    {
        int p = shape.Plane, h = shape.H, w = shape.W;
        var mask = ws.Doubles(4, p);
        var m = ws.Doubles(5, p);
        for (int i = 0; i < p; i++) mask[i] = liquid[i] > threshold ? 1 : 0;
        GaussianFilter.Apply(mask, m, h, w, sigma, 4.0, BorderMode.Nearest, ws.Doubles(2, p), ws.Doubles(3, w + 64), float32: true);
        float[] colour = MudColour(shape.C);
        for (int ch = 0; ch < shape.C; ch++)
            for (int i = 0; i < p; i++)
            {
                float mi = m[i] < 0.8 ? 0f : (float)m[i];
                float x = src[ch * p + i] / 255f;
                dst[ch * p + i] = Out32(x * (1 - mi) + colour[ch] * mi);
            }
    }

    /// <summary>The drops' colour per channel (float32, as the original's array), or its grey on 1-channel images.</summary>
    internal static float[] WaterColour(int channels) => Colour(channels, 175, 238, 238);

    internal static float[] MudColour(int channels) => Colour(channels, 63, 42, 20);

    private static float[] Colour(int channels, int r, int g, int b) =>
        channels == 3 ? [(float)(r / 255.0), (float)(g / 255.0), (float)(b / 255.0)] : [(float)GreyOf(r, g, b)];

    private static double GreyOf(int r, int g, int b) => (0.299 * r + 0.587 * g + 0.114 * b) / 255.0;
}

/// <summary>
/// Frost: c₀·x + c₁·frost (0–255), clipped; (c₀, c₁) = (1, 0.2), (1, 0.3), (0.9, 0.4), (0.85, 0.4), (0.75, 0.45).
/// The original crops one of five frost photographs; they are not redistributed here, so the frost layer is the
/// procedural texture of <see cref="FrostTexture"/>, matched to each photograph's colour, contrast and roughness.
/// </summary>
public sealed class Frost : Corruption
{
    internal static readonly (double Image, double Frost)[] C = [(1, 0.2), (1, 0.3), (0.9, 0.4), (0.85, 0.4), (0.75, 0.45)];
    public override string Name => "frost";
    public override string Title => "Frost";
    public override string Family => "weather";
    public override string Describe(int s) => $"{C[s - 1].Image}·image + {C[s - 1].Frost}·frost (procedural frost texture)";

    public override void Apply(ReadOnlySpan<byte> src, Span<double> dst, ImageShape shape, int severity, in CorruptionRandom rng, Workspace ws)
    {
        var (a, b) = C[severity - 1];
        var frost = ws.Doubles(30, shape.Size);
        FrostTexture.Generate(frost, shape.C, shape.H, shape.W, rng, ws);
        // the photographs are 8-bit, so the texture is rounded to 8 bits too
        for (int i = 0; i < shape.Size; i++) dst[i] = Math.Clamp(a * src[i] + b * Math.Round(frost[i]), 0, 255);
    }
}
