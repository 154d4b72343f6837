using FastRobust.Random;
using ILGPU;

namespace FastRobust.Kernels;

/// <summary>
/// Frost (src/FastRobust/Shifts/Generation/WeatherCorruptions.cs Frost, texture src/FastRobust/Shifts/Generation/Passes/FrostTexture.cs and
/// PlasmaFractal.cs) over a whole batch in four launches:
/// <list type="number">
/// <item><see cref="Segments"/>, one thread per (image, needle): the needle's three segments (centre, direction, half
///   length, amplitude) from Philox field 2;</item>
/// <item><see cref="Needles"/>, one thread per (image, pixel): the pixel's sum over the 60 segments whose bounding box
///   holds it, in the host's segment order (so the same additions in the same order as the host's scatter), and the
///   pixel's grain normal (field 3);</item>
/// <item><see cref="Texture"/>, one group per image: the plate (field 0), the plasma haze (field 1) a phase of a scale
///   at a time over the group, and the three standardisations, elementwise over the group but with each mean and
///   variance summed by one thread in the host's index order;</item>
/// <item><see cref="Blend"/>, one thread per value: the plate's colour, c₀·x + c₁·round(frost), clipped.</item>
/// </list>
/// The arithmetic is the host's, in double and in its order, products feeding a sum through <see cref="Rounded.Mul"/>.
/// Only cos/sin (needle directions), exp (needle profiles) and the grain's Box–Muller go through KMath, a few ulps
/// from .NET's; that moves a byte only where the frost value sits within ~1e-13 of a rounding half.
/// </summary>
[HostBytes]
public static class FrostKernels
{
    /// <summary>Doubles per segment in the segment buffer: cx, cy, cos θ, sin θ, half length, amplitude.</summary>
    public const int SegmentSize = 6;

    /// <summary>Doubles per plate in the plate table: (mean, std, spread) for R, G, B and grey, then grain ζ and polarity.</summary>
    public const int PlateSize = 14;

    // FrostTexture's private constants
    private const double Thickness = 0.5, HazeWeight = 0.5, NeedleWeight = 0.8;

    /// <summary>Needle k of image img: its segment and its two branches, as FrostTexture.Generate's needle loop.</summary>
    [Kernel]
    public static void Segments(ArrayView<double> segs, int count, int needles, int h, int w, long firstImage, ulong seed, ulong streamBase)
    {
        for (int idx = Stride.Start; idx < count; idx += Stride.Step)
        {
            int img = idx / needles, k = idx - img * needles;
            ulong stream = streamBase | (ulong)(firstImage + img);
            ulong first = CorruptionMath.FieldOffset(2) + 16UL * (ulong)k;
            double cx = -2 + Rounded.Mul(w + 4, CorruptionMath.Uniform(seed, stream, first)), cy = -2 + Rounded.Mul(h + 4, CorruptionMath.Uniform(seed, stream, first + 1));
            double theta = Rounded.Mul(Math.PI, CorruptionMath.Uniform(seed, stream, first + 2)), length = 3 + Rounded.Mul(7, CorruptionMath.Uniform(seed, stream, first + 3));
            double a = 0.5 + Rounded.Mul(0.5, CorruptionMath.Uniform(seed, stream, first + 4));
            KMath.SinCos(theta, out double sin, out double cos);
            long o = (long)idx * 3 * SegmentSize;
            Store(segs, o, cx, cy, cos, sin, length / 2, a);
            for (int b = 0; b < 2; b++)
            {
                double t = Rounded.Mul(-0.4 + Rounded.Mul(0.8, CorruptionMath.Uniform(seed, stream, first + 5 + (ulong)(2 * b))), length);
                double side = CorruptionMath.Uniform(seed, stream, first + 6 + (ulong)(2 * b)) < 0.5 ? -1 : 1;
                double bt = theta + side * Math.PI / 3;
                KMath.SinCos(bt, out double bsin, out double bcos);
                double bx = cx + Rounded.Mul(t, cos) + Rounded.Mul(0.25 * length, bcos);
                double by = cy + Rounded.Mul(t, sin) + Rounded.Mul(0.25 * length, bsin);
                Store(segs, o + (b + 1) * SegmentSize, bx, by, bcos, bsin, 0.5 * length / 2, 0.7 * a);
            }
        }
    }

    /// <summary>Pixel i of image img: Σ a·exp(−d²/2t²) over the segments whose box holds it, in order; and its grain normal.</summary>
    [Kernel]
    public static void Needles(ArrayView<double> segs, ArrayView<double> field, ArrayView<float> grain, int pixels, int plane, int segments,
        int h, int w, long firstImage, ulong seed, ulong streamBase)
    {
        for (int idx = Stride.Start; idx < pixels; idx += Stride.Step)
        {
            int img = idx / plane, i = idx - img * plane, y = i / w, x = i - y * w;
            long o = (long)img * segments * SegmentSize;
            double inv = 1.0 / (2 * Thickness * Thickness), sum = 0;
            for (int s = 0; s < segments; s++, o += SegmentSize)
            {
                double cx = segs[o], cy = segs[o + 1], dx = segs[o + 2], dy = segs[o + 3], half = segs[o + 4], a = segs[o + 5];
                double reach = half + 3 * Thickness;
                // the host's box, x0 = max(0, ⌊cx − reach⌋) … x1 = min(w − 1, ⌈cx + reach⌉); x and y are inside the image already
                if (x < Math.Floor(cx - reach) || x > Math.Ceiling(cx + reach) || y < Math.Floor(cy - reach) || y > Math.Ceiling(cy + reach)) continue;
                double px = x - cx, py = y - cy;
                double t = Rounded.Mul(px, dx) + Rounded.Mul(py, dy);
                t = t < -half ? -half : t > half ? half : t;
                double ex = px - Rounded.Mul(t, dx), ey = py - Rounded.Mul(t, dy);
                sum += Rounded.Mul(a, KMath.Exp(-(Rounded.Mul(ex, ex) + Rounded.Mul(ey, ey)) * inv));
            }
            field[idx] = sum;
            // CorruptionRandom.Normals(3, ·): element i is lane i mod 4 of block i/4
            ulong stream = streamBase | (ulong)(firstImage + img);
            grain[idx] = CorruptionMath.Normal(seed, stream, CorruptionMath.FieldOffset(3), i);
        }
    }

    /// <summary>
    /// One group per image (grid = images): its plate and level into info[2·img], [2·img + 1]; its haze map (m² scratch
    /// doubles), phase by phase in parallel; then field ← standardise(0.5·standardise(haze crop) + 0.8·standardise(field)
    /// + ζ·grain), in place. The elementwise steps and the haze are spread over the group; the means and variances are
    /// sums the host takes in index order, so one thread takes each in that order (the needles' and the haze's at once,
    /// on two threads).
    /// </summary>
    [Kernel]
    public static void Texture(ArrayView<double> field, ArrayView<float> grain, ArrayView<double> haze, ArrayView<double> info,
        ArrayView<double> plates, int plane, int w, int m, int plateCount, long firstImage, ulong seed, ulong streamBase)
    {
        var scratch = SharedMemory.Allocate<double>(Reduce.MaxThreads);
        var stats = SharedMemory.Allocate<double>(4);
        int img = Grid.IdxX, t = Group.IdxX, threads = Group.DimX;
        ulong stream = streamBase | (ulong)(firstImage + img);
        long hb = (long)img * m * m, fb = (long)img * plane;
        Philox.Block(seed, stream, CorruptionMath.FieldOffset(0), out uint p0, out _, out _, out _);
        int plate = Philox.Below(p0, plateCount);
        if (t == 0)
        {
            Philox.Block(seed, stream, CorruptionMath.FieldOffset(4), out uint l0, out uint l1, out _, out _);
            info[2L * img] = plate;
            info[2L * img + 1] = KMath.BoxMuller(l0, l1, false);
        }

        PlasmaKernel.Generate(haze, hb, m, 2.0, seed, stream, CorruptionMath.FieldOffset(1), scratch);

        // the sequential sums: the needles' on thread 0, the haze crop's on thread 1 (the same thread if the group has one)
        if (t == 0)
        {
            Stats(field, fb, plane, out double mean, out double sd);
            stats[0] = mean;
            stats[1] = sd;
        }
        if (t == (threads > 1 ? 1 : 0))
        {
            double mean = 0;
            for (int i = 0; i < plane; i++) mean += haze[hb + i / w * m + i % w];
            mean /= plane;
            double var = 0;
            for (int i = 0; i < plane; i++)
            {
                double d = haze[hb + i / w * m + i % w] - mean;
                var += Rounded.Mul(d, d);
            }
            stats[2] = mean;
            stats[3] = Math.Sqrt(var / plane);
        }
        Group.Barrier();
        double nMean = stats[0], nSd = stats[1], hMean = stats[2], hSd = stats[3];
        double zeta = plates[(long)plate * PlateSize + 12];
        for (int i = t; i < plane; i += threads)
        {
            double needle = nSd > 1e-12 ? (field[fb + i] - nMean) / nSd : 0;
            double hz = hSd > 1e-12 ? (haze[hb + i / w * m + i % w] - hMean) / hSd : 0;
            field[fb + i] = Rounded.Mul(HazeWeight, hz) + Rounded.Mul(NeedleWeight, needle) + Rounded.Mul(zeta, grain[fb + i]);
        }
        Group.Barrier();
        if (t == 0)
        {
            Stats(field, fb, plane, out double mean, out double sd);
            stats[0] = mean;
            stats[1] = sd;
        }
        Group.Barrier();
        double tMean = stats[0], tSd = stats[1];
        for (int i = t; i < plane; i += threads) field[fb + i] = tSd > 1e-12 ? (field[fb + i] - tMean) / tSd : 0;
    }

    /// <summary>Value q of the batch: frost = clip(mean + spread·level + std·polarity·texture), then clip(c₀·x + c₁·round(frost)).</summary>
    [Kernel]
    public static void Blend(ArrayView<byte> src, ArrayView<byte> dst, ArrayView<double> texture, ArrayView<double> info, ArrayView<double> plates,
        int total, int channels, int plane, double c0, double c1)
    {
        for (int idx = Stride.Start; idx < total; idx += Stride.Step)
        {
            int size = channels * plane, img = idx / size, rest = idx - img * size, c = rest / plane, i = rest - c * plane;
            long pb = (long)info[2L * img] * PlateSize, sb = pb + 3 * (channels == 3 ? c : 3);
            double mean = plates[sb], std = plates[sb + 1], spread = plates[sb + 2], polarity = plates[pb + 13];
            double level = info[2L * img + 1];
            double frost = mean + Rounded.Mul(spread, level) + Rounded.Mul(Rounded.Mul(std, polarity), texture[(long)img * plane + i]);
            frost = frost < 0 ? 0 : frost > 255 ? 255 : frost;
            double v = Rounded.Mul(c0, src[idx]) + Rounded.Mul(c1, CorruptionMath.RoundEven(frost));
            dst[idx] = CorruptionMath.Quantize(v < 0 ? 0 : v > 255 ? 255 : v);
        }
    }

    private static void Store(ArrayView<double> segs, long o, double cx, double cy, double dx, double dy, double half, double a)
    {
        segs[o] = cx;
        segs[o + 1] = cy;
        segs[o + 2] = dx;
        segs[o + 3] = dy;
        segs[o + 4] = half;
        segs[o + 5] = a;
    }

    /// <summary>FrostTexture.Standardise's mean and standard deviation, summed in index order as the host does.</summary>
    private static void Stats(ArrayView<double> v, long b, int n, out double mean, out double sd)
    {
        mean = 0;
        for (int i = 0; i < n; i++) mean += v[b + i];
        mean /= n;
        double var = 0;
        for (int i = 0; i < n; i++)
        {
            double d = v[b + i] - mean;
            var += Rounded.Mul(d, d);
        }
        sd = Math.Sqrt(var / n);
    }
}
