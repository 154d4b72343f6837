using ILGPU;

namespace FastRobust.Kernels;

/// <summary>
/// Contrast (src/FastRobust/Shifts/Generation/DigitalCorruptions.cs): (x − m)·c + m about each plane's mean m, one thread per
/// (image, channel) plane summing in the host's order, so the mean and the bytes are the host's exactly.
/// </summary>
[HostBytes]
public static class ContrastKernel
{
    [Kernel]
    public static void Contrast(ArrayView<byte> src, ArrayView<byte> dst, int planes, int plane, double c)
    {
        for (int q = Stride.Start; q < planes; q += Stride.Step)
        {
            long b = (long)q * plane;
            double sum = 0;
            for (int i = 0; i < plane; i++) sum += src[b + i] / 255.0;
            double mean = sum / plane;
            for (int i = 0; i < plane; i++) dst[b + i] = CorruptionMath.Out(Rounded.Mul(src[b + i] / 255.0 - mean, c) + mean);
        }
    }
}
