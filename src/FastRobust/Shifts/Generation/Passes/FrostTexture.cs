namespace FastRobust.Shifts.Generation.Passes;

/// <summary>
/// A procedural stand-in for the frost photographs make_cifar_c.py overlays (frost1.png … frost5.jpg, shrunk to a
/// fifth and cropped to 32 × 32, one photo drawn uniformly per image). Each of the five photos is a "plate" with the
/// statistics its 32 × 32 crops have at that scale — mean colour, the spread of crop means, the within-crop
/// contrast, and the roughness (mean |horizontal difference| / standard deviation: 0.73, 0.83, 0.83, 0.92, 0.87) —
/// measured once from the photos in hendrycks/robustness (frost2.png and frost3.png are the same photograph, so
/// two plates are equal, as the original's draw is). The texture is ice crystals drawn from their look: 20
/// needles (length 3–10 px, random direction, 0.5 px Gaussian profile) each with two branches at ±60°, over a
/// plasma-fractal haze, with per-pixel grain; mixed 0.5 : 0.8 : ζ, standardised, and scaled to the plate.
/// White frost shows its crystals dark, the others bright. Every number comes from Philox fields 0–4.
/// </summary>
internal static class FrostTexture
{
    /// <summary>Mean RGB, within-crop std, std of crop means, grain ζ, crystal polarity.</summary>
    internal static readonly (double[] Mean, double[] Std, double[] Level, double Grain, int Polarity)[] Plates =
    [
        ([77.8, 148.5, 164.9], [21.5, 13.1, 12.5], [17.1, 9.4, 7.6], 0.6, 1),    // frost1.png: blue ice
        ([198.0, 202.3, 211.6], [17.9, 18.2, 18.8], [7.9, 8.6, 9.2], 0.8, -1),  // frost2.png: white needles
        ([198.0, 202.3, 211.6], [17.9, 18.2, 18.8], [7.9, 8.6, 9.2], 0.8, -1),  // frost3.png: the same photograph
        ([142.5, 157.3, 170.0], [25.7, 25.8, 26.8], [10.5, 10.4, 11.1], 1.05, 1), // frost4.jpg: grey crystals
        ([103.7, 115.0, 126.8], [34.3, 33.9, 33.2], [17.5, 16.9, 15.9], 0.9, 1),  // frost5.jpg: dark dendrites
    ];

    public const int Needles = 20;
    private const double Thickness = 0.5, HazeWeight = 0.5, NeedleWeight = 0.8;

    /// <summary>The plate an image draws (uniform over the five, field 0).</summary>
    public static int Plate(in CorruptionRandom rng)
    {
        rng.Block(0, 0, out uint r0, out _, out _, out _);
        return Random.Philox.Below(r0, Plates.Length);
    }

    /// <summary>Fills <paramref name="frost"/> (C planes of h × w, values in [0, 255]) for one image.</summary>
    public static void Generate(Span<double> frost, int channels, int h, int w, in CorruptionRandom rng, Workspace ws)
    {
        var plate = Plates[Plate(rng)];
        int p = h * w;
        int m = PlasmaFractal.MapSize(h, w);
        var haze = ws.Doubles(20, m * m);
        var r = rng;
        PlasmaFractal.Generate(haze, m, 2.0, i => r.Uniform(1, i));
        var needles = ws.Doubles(21, p);
        needles.Clear();
        for (int k = 0; k < Needles; k++)
        {
            double U(int j) => r.Uniform(2, 16L * k + j);
            double cx = -2 + (w + 4) * U(0), cy = -2 + (h + 4) * U(1), theta = Math.PI * U(2), length = 3 + 7 * U(3), a = 0.5 + 0.5 * U(4);
            Segment(needles, h, w, cx, cy, theta, length, a);
            for (int b = 0; b < 2; b++)
            {
                double t = (-0.4 + 0.8 * U(5 + 2 * b)) * length;
                double side = U(6 + 2 * b) < 0.5 ? -1 : 1;
                double bt = theta + side * Math.PI / 3;
                double bx = cx + t * Math.Cos(theta) + 0.25 * length * Math.Cos(bt), by = cy + t * Math.Sin(theta) + 0.25 * length * Math.Sin(bt);
                Segment(needles, h, w, bx, by, bt, 0.5 * length, 0.7 * a);
            }
        }
        var grain = ws.Floats(20, p);
        rng.Normals(3, grain);
        var texture = ws.Doubles(22, p);
        Standardise(needles);
        var hz = ws.Doubles(23, p);
        for (int i = 0; i < p; i++) hz[i] = haze[i / w * m + i % w];
        Standardise(hz);
        for (int i = 0; i < p; i++) texture[i] = HazeWeight * hz[i] + NeedleWeight * needles[i] + plate.Grain * grain[i];
        Standardise(texture);
        double level = rng.Normal(4, 0);
        for (int c = 0; c < channels; c++)
        {
            double mean, std, spread;
            if (channels == 3) (mean, std, spread) = (plate.Mean[c], plate.Std[c], plate.Level[c]);
            else (mean, std, spread) = (Grey(plate.Mean), Grey(plate.Std), Grey(plate.Level));
            for (int i = 0; i < p; i++) frost[c * p + i] = Math.Clamp(mean + spread * level + std * plate.Polarity * texture[i], 0, 255);
        }
    }

    internal static double Grey(double[] rgb) => 0.299 * rgb[0] + 0.587 * rgb[1] + 0.114 * rgb[2];

    /// <summary>Adds a · exp(−d²/2t²), d the distance to a segment centred at (cx, cy), over its bounding box.</summary>
    private static void Segment(Span<double> field, int h, int w, double cx, double cy, double theta, double length, double a)
    {
        double dx = Math.Cos(theta), dy = Math.Sin(theta), half = length / 2, reach = half + 3 * Thickness;
        int x0 = Math.Max(0, (int)Math.Floor(cx - reach)), x1 = Math.Min(w - 1, (int)Math.Ceiling(cx + reach));
        int y0 = Math.Max(0, (int)Math.Floor(cy - reach)), y1 = Math.Min(h - 1, (int)Math.Ceiling(cy + reach));
        double inv = 1.0 / (2 * Thickness * Thickness);
        for (int y = y0; y <= y1; y++)
            for (int x = x0; x <= x1; x++)
            {
                double px = x - cx, py = y - cy;
                double t = Math.Clamp(px * dx + py * dy, -half, half);
                double ex = px - t * dx, ey = py - t * dy;
                field[y * w + x] += a * Math.Exp(-(ex * ex + ey * ey) * inv);
            }
    }

    private static void Standardise(Span<double> v)
    {
        double mean = 0;
        foreach (double x in v) mean += x;
        mean /= v.Length;
        double var = 0;
        foreach (double x in v) var += (x - mean) * (x - mean);
        double sd = Math.Sqrt(var / v.Length);
        for (int i = 0; i < v.Length; i++) v[i] = sd > 1e-12 ? (v[i] - mean) / sd : 0;
    }
}
