using ILGPU;

namespace FastRobust.Kernels;

/// <summary>
/// ImageMagick's motion blur as the host runs it (src/FastRobust/Shifts/Generation/Passes/MotionBlur.cs) over a batch of 8-bit
/// planes, one output value per thread. The taps' weights (per severity) and each image's pixel offsets along its
/// random angle are the host's own, computed there and uploaded, so the kernel only does the host's gather: the
/// same double sum in tap order, rounded to a 16-bit quantum and truncated to 8 bits — the host's bytes exactly.
/// Used by motion_blur (every channel of an image shares its angle) and by snow (one flake plane per image).
/// </summary>
[HostBytes]
public static class MotionBlurKernel
{
    /// <param name="src">planes of h × w bytes; plane q belongs to image q / planesPerImage</param>
    /// <param name="weights">the taps' weights</param>
    /// <param name="shifts">per image: the taps' x offsets, then their y offsets (2 · taps ints)</param>
    [Kernel]
    public static void Blur(ArrayView<byte> src, ArrayView<byte> dst, int total, int h, int w, int planesPerImage,
        int taps, ArrayView<double> weights, ArrayView<int> shifts)
    {
        int plane = h * w;
        for (int idx = Stride.Start; idx < total; idx += Stride.Step)
        {
            int q = idx / plane, pos = idx - q * plane;
            int y = pos / w, x = pos - y * w;
            long planeBase = (long)q * plane, shiftBase = (long)(q / planesPerImage) * 2 * taps;
            double sum = 0;
            for (int i = 0; i < taps; i++)
            {
                // edge pixels repeat outside the image (the host's inner fast path reads the same pixels)
                int sx = x + shifts[shiftBase + i], sy = y + shifts[shiftBase + taps + i];
                sx = sx < 0 ? 0 : sx > w - 1 ? w - 1 : sx;
                sy = sy < 0 ? 0 : sy > h - 1 ? h - 1 : sy;
                sum += Rounded.Mul(weights[i], src[planeBase + sy * w + sx] * 257.0); // × 257 is exact
            }
            int quantum = sum <= 0 ? 0 : sum >= 65535 ? 65535 : (int)(sum + 0.5);
            dst[idx] = (byte)(quantum / 257);
        }
    }
}
