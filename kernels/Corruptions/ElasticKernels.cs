using FastRobust.Random;
using ILGPU;

namespace FastRobust.Kernels;

/// <summary>
/// Elastic transform (src/FastRobust/Shifts/Generation/DigitalCorruptions.cs, Passes/ElasticWarp.cs, Passes/GaussianFilter.cs) over
/// a whole batch in five passes, one thread per output value in each: the two uniform noise planes (dx from field 1, dy
/// from field 2), the Gaussian blur's row pass (axis 0) and column pass (axis 1, then × α as float32), OpenCV's
/// warpAffine of every channel by the image's inverse affine (computed on the host), and scipy's map_coordinates by the
/// displacement. Each value is the host's expression in the host's types and order (double for the fields and the
/// resampling, float32 for warpAffine's weights and sum), so the bytes are the host's.
/// </summary>
[HostBytes]
public static class ElasticKernels
{
    /// <summary>noise[img, f, i] = −1 + 2·U(field f + 1, i): f = 0 is dx, 1 is dy. <paramref name="total"/> = N·2·plane.</summary>
    [Kernel]
    public static void Noise(ArrayView<double> noise, int total, int plane, long firstImage, ulong seed, ulong streamBase)
    {
        for (int idx = Stride.Start; idx < total; idx += Stride.Step)
        {
            int q = idx / plane, i = idx - q * plane, img = q >> 1, field = (q & 1) + 1;
            Philox.Block(seed, streamBase | (ulong)(firstImage + img), CorruptionMath.FieldOffset(field) + (ulong)i, out uint r0, out uint r1, out _, out _);
            // 2·u is exact, so a fused multiply-add would round the same
            noise[idx] = -1 + 2 * CorruptionMath.ToDouble(r0, r1);
        }
    }

    /// <summary>
    /// ElasticWarp.WarpAffine of every (image, channel) plane of x/255 (float32): <paramref name="inverse"/> holds each
    /// image's i0..i5; source coordinates in OpenCV's fixed point (1/1024 rounded half to even, then 1/32), bilinear
    /// float32 weights, reflect-101 outside.
    /// </summary>
    [Kernel]
    public static void Warp(ArrayView<byte> src, ArrayView<float> warped, ArrayView<double> inverse, int total, int channels, int h, int w)
    {
        const int abBits = 10, interBits = 5, tab = 1 << interBits, roundDelta = (1 << abBits) / tab / 2;
        const double abScale = 1 << abBits;
        int plane = h * w;
        for (int idx = Stride.Start; idx < total; idx += Stride.Step)
        {
            int q = idx / plane, i = idx - q * plane, y = i / w, x = i - y * w, img = q / channels;
            long b = (long)q * plane, a = (long)img * 6;
            double i0 = inverse[a], i1 = inverse[a + 1], i2 = inverse[a + 2], i3 = inverse[a + 3], i4 = inverse[a + 4], i5 = inverse[a + 5];
            int x0 = RoundEven((Rounded.Mul(i1, y) + i2) * abScale) + roundDelta;
            int y0 = RoundEven((Rounded.Mul(i4, y) + i5) * abScale) + roundDelta;
            int fxq = (x0 + RoundEven(i0 * x * abScale)) >> (abBits - interBits);
            int fyq = (y0 + RoundEven(i3 * x * abScale)) >> (abBits - interBits);
            int sx = fxq >> interBits, sy = fyq >> interBits;
            float fx = (fxq & (tab - 1)) * (1f / tab), fy = (fyq & (tab - 1)) * (1f / tab);
            float w00 = (1f - fy) * (1f - fx), w01 = (1f - fy) * fx, w10 = fy * (1f - fx), w11 = fy * fx;
            int c0 = BorderIndex.OfReflect101(sx, w), c1 = BorderIndex.OfReflect101(sx + 1, w);
            long r0 = b + BorderIndex.OfReflect101(sy, h) * w, r1 = b + BorderIndex.OfReflect101(sy + 1, h) * w;
            // the host's x[i] = src / 255f, and OpenCV's float32 sum in the host's order
            warped[idx] = Rounded.Mul(src[r0 + c0] / 255f, w00) + Rounded.Mul(src[r0 + c1] / 255f, w01)
                + Rounded.Mul(src[r1 + c0] / 255f, w10) + Rounded.Mul(src[r1 + c1] / 255f, w11);
        }
    }

    /// <summary>
    /// ElasticWarp.MapCoordinates of every warped plane at (y + dy, x + dx), bilinear in double, scipy-'reflect' outside;
    /// then the host's Out32((float)v) and truncation. <paramref name="field"/> holds each image's blurred dx noise plane, then its dy plane.
    /// </summary>
    [Kernel]
    public static void Map(ArrayView<float> warped, ArrayView<double> field, ArrayView<byte> dst, int total, int channels, int h, int w, double alpha)
    {
        int plane = h * w;
        for (int idx = Stride.Start; idx < total; idx += Stride.Step)
        {
            int q = idx / plane, i = idx - q * plane, y = i / w, x = i - y * w, img = q / channels;
            long b = (long)q * plane, f = (long)img * 2 * plane;
            // the host's displacement: (float)(blurred noise · α)
            double cy = y + (double)(float)Rounded.Mul(field[f + plane + i], alpha), cx = x + (double)(float)Rounded.Mul(field[f + i], alpha);
            double fy0 = Math.Floor(cy), fx0 = Math.Floor(cx);
            double ty = cy - fy0, tx = cx - fx0;
            int ya = (int)fy0, xa = (int)fx0;
            long r0 = b + BorderIndex.OfReflect(ya, h) * w, r1 = b + BorderIndex.OfReflect(ya + 1, h) * w;
            int c0 = BorderIndex.OfReflect(xa, w), c1 = BorderIndex.OfReflect(xa + 1, w);
            double top = Rounded.Mul(1 - tx, warped[r0 + c0]) + Rounded.Mul(tx, warped[r0 + c1]);
            double bottom = Rounded.Mul(1 - tx, warped[r1 + c0]) + Rounded.Mul(tx, warped[r1 + c1]);
            dst[idx] = CorruptionMath.Out32((float)(Rounded.Mul(1 - ty, top) + Rounded.Mul(ty, bottom)));
        }
    }



    /// <summary>(int)Math.Round(v, MidpointRounding.ToEven) (OpenCV's saturate_cast&lt;int&gt;): v − ⌊v⌋ is exact here.</summary>
    private static int RoundEven(double v)
    {
        double f = Math.Floor(v), d = v - f;
        if (d > 0.5 || (d == 0.5 && ((long)f & 1) != 0)) f += 1;
        return (int)f;
    }
}
