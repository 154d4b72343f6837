using ILGPU;

namespace FastRobust.Kernels;

/// <summary>
/// Snow (src/FastRobust/Shifts/Generation/WeatherCorruptions.cs) over a batch, in four launches of one thread per pixel:
/// <see cref="Layer"/> (the N(loc, scale²) layer), <see cref="Flakes"/> (clipped zoom, threshold, 8-bit
/// truncation), the motion blur of MotionBlurKernel, then <see cref="Blend"/>. The arithmetic is the host's, in its
/// types and order; only the normals differ, in KMath's log/sin/cos (see the tests for what that allows).
/// </summary>
[HostBytes]
public static class SnowKernels
{
    /// <summary>flakes = uint8(clip(v, 0, 1)·255), v the clipped zoom of the layer (plan 0) where it is ≥ threshold, else 0.</summary>
    [Kernel]
    public static void Flakes(ArrayView<double> layer, ArrayView<byte> flakes, int total, int h, int w,
        ArrayView<int> plans, ArrayView<double> weights, double threshold)
    {
        int plane = h * w;
        for (int idx = Stride.Start; idx < total; idx += Stride.Step)
        {
            int img = idx / plane, pos = idx - img * plane;
            int y = pos / w, x = pos - y * w;
            long b = (long)img * plane;
            ClippedZoomKernels.Taps(plans, weights, 0, h, w, y, x, out int r0, out int r1, out int c0, out int c1, out double ty, out double tx);
            double z = ClippedZoomKernels.Bilinear(ClippedZoomKernels.At(layer, b, h, w, r0, c0), ClippedZoomKernels.At(layer, b, h, w, r0, c1),
                ClippedZoomKernels.At(layer, b, h, w, r1, c0), ClippedZoomKernels.At(layer, b, h, w, r1, c1), ty, tx);
            double v = z < threshold ? 0 : z;
            flakes[idx] = CorruptionMath.Quantize((v < 0 ? 0 : v > 1 ? 1 : v) * 255);
        }
    }

    private static float Unit32(byte b) => b / 255f;

    /// <summary>
    /// Per pixel of every image (all its channels): blend·x + (1 − blend)·max(x, 1.5·grey + 0.5) in float32, plus the
    /// blurred flakes and their 180° rotation in double, clipped and truncated.
    /// </summary>
    [Kernel]
    public static void Blend(ArrayView<byte> src, ArrayView<byte> blurred, ArrayView<byte> dst, int total, int channels,
        int plane, float blend, float rest)
    {
        for (int idx = Stride.Start; idx < total; idx += Stride.Step)
        {
            int img = idx / plane, i = idx - img * plane;
            long b = (long)img * channels * plane, f = (long)img * plane;
            float grey = channels == 3
                ? Rounded.Mul(0.299f, Unit32(src[b + i])) + Rounded.Mul(0.587f, Unit32(src[b + plane + i])) + Rounded.Mul(0.114f, Unit32(src[b + 2 * plane + i]))
                : Unit32(src[b + i]);
            double flake = blurred[f + i] / 255.0, rotated = blurred[f + plane - 1 - i] / 255.0;
            float lifted = Rounded.Mul(grey, 1.5f) + 0.5f;
            for (int ch = 0; ch < channels; ch++)
            {
                float x = Unit32(src[b + ch * plane + i]);
                float whitened = Rounded.Mul(blend, x) + Rounded.Mul(rest, x > lifted ? x : lifted);
                dst[b + ch * plane + i] = CorruptionMath.Out(whitened + flake + rotated);
            }
        }
    }
}
