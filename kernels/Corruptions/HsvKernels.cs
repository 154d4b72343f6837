using ILGPU;

namespace FastRobust.Kernels;

/// <summary>
/// Brightness and saturate (src/FastRobust/Shifts/Generation/DigitalCorruptions.cs) through the host's RGB ↔ HSV
/// (src/FastRobust/Shifts/Generation/Passes/Hsv.cs, skimage's rgb2hsv / hsv2rgb), one pixel per thread over the whole batch.
/// The arithmetic is the host's, in double and in its order, so the bytes are the host's exactly (products that feed
/// a sum through <see cref="Rounded.Mul"/>, so ptxas cannot fuse them into one fma on a GPU).
/// </summary>
[HostBytes]
public static class HsvKernels
{
    /// <summary>HSV value + c, clipped to [0, 1]; a grey image (channels = 1) is x + c per value.</summary>
    [Kernel]
    public static void Brightness(ArrayView<byte> src, ArrayView<byte> dst, int pixels, int plane, int channels, double c)
    {
        for (int idx = Stride.Start; idx < pixels; idx += Stride.Step)
        {
            if (channels == 1)
            {
                dst[idx] = CorruptionMath.Out(Clamp01(src[idx] / 255.0 + c));
                continue;
            }
            int img = idx / plane, i = idx - img * plane;
            long r = (long)img * 3 * plane + i, g = r + plane, b = g + plane;
            FromRgb(src[r] / 255.0, src[g] / 255.0, src[b] / 255.0, out double h, out double s, out double v);
            ToRgb(h, s, Clamp01(v + c), out double ro, out double go, out double bo);
            dst[r] = CorruptionMath.Out(ro);
            dst[g] = CorruptionMath.Out(go);
            dst[b] = CorruptionMath.Out(bo);
        }
    }

    /// <summary>HSV saturation · a + b, clipped to [0, 1]; colour images only.</summary>
    [Kernel]
    public static void Saturate(ArrayView<byte> src, ArrayView<byte> dst, int pixels, int plane, double a, double b)
    {
        for (int idx = Stride.Start; idx < pixels; idx += Stride.Step)
        {
            int img = idx / plane, i = idx - img * plane;
            long r = (long)img * 3 * plane + i, g = r + plane, bl = g + plane;
            FromRgb(src[r] / 255.0, src[g] / 255.0, src[bl] / 255.0, out double h, out double s, out double v);
            ToRgb(h, Clamp01(Rounded.Mul(s, a) + b), v, out double ro, out double go, out double bo);
            dst[r] = CorruptionMath.Out(ro);
            dst[g] = CorruptionMath.Out(go);
            dst[bl] = CorruptionMath.Out(bo);
        }
    }

    /// <summary>Math.Clamp(v, 0, 1) without its argument check (values here are never NaN).</summary>
    private static double Clamp01(double v) => v < 0 ? 0 : v > 1 ? 1 : v;

    /// <summary>Hsv.FromRgb: ties for the largest channel go to blue, then green, then red; grey has h = s = 0.</summary>
    public static void FromRgb(double r, double g, double b, out double h, out double s, out double v)
    {
        // the inputs are ≥ +0 and never NaN, so plain comparisons are Math.Max/Min's results
        double max = g > b ? g : b;
        v = r > max ? r : max;
        double min = g < b ? g : b;
        min = r < min ? r : min;
        double delta = v - min;
        if (delta == 0)
        {
            h = 0;
            s = 0;
            return;
        }
        s = delta / v;
        double hh = b == v ? 4.0 + (r - g) / delta
            : g == v ? 2.0 + (b - r) / delta
            : (g - b) / delta;
        h = PythonMod1(hh / 6.0);
    }

    /// <summary>Hsv.ToRgb: sector ⌊6h⌋ mod 6 picks the permutation of (v, t, p) / (q, v, p) / ….</summary>
    public static void ToRgb(double h, double s, double v, out double r, out double g, out double b)
    {
        double hi = Math.Floor(h * 6);
        double f = Rounded.Mul(h, 6) - hi;
        double p = v * (1 - s);
        double q = v * (1 - Rounded.Mul(f, s));
        double t = v * (1 - Rounded.Mul(1 - f, s));
        int sector = (int)hi % 6;
        if (sector == 0) { r = v; g = t; b = p; }
        else if (sector == 1) { r = q; g = v; b = p; }
        else if (sector == 2) { r = p; g = v; b = t; }
        else if (sector == 3) { r = p; g = q; b = v; }
        else if (sector == 4) { r = t; g = p; b = v; }
        else { r = v; g = p; b = q; }
    }

    /// <summary>
    /// Hsv.PythonMod1: x mod 1 with the divisor's sign. The host's x % 1.0 (C's fmod) is x − trunc(x), exactly (the
    /// fraction of a double is a double); written so because double % has no PTX instruction.
    /// </summary>
    private static double PythonMod1(double x)
    {
        double m = x - (x < 0 ? Math.Ceiling(x) : Math.Floor(x));
        if (m < 0) m += 1.0;
        return m == 0 ? 0.0 : m;
    }
}
