using FastRobust.Random;
using ILGPU;

namespace FastRobust.Kernels;

/// <summary>
/// The per-value CIFAR-10-C corruptions and contrast (src/FastRobust/Shifts/NoiseCorruptions.cs) over a whole batch of 8-bit
/// CHW images, 8-bit out. Each value's draws come from the same Philox block as on the host — stream
/// streamBase | image index, counter = the value's block in field 0 — and the arithmetic is the host's, in double,
/// so the bytes are the host's (Box–Muller through KMath, whose log/sin/cos may differ from .NET's in the last
/// double bits: the tests allow a value one level off in a million).
/// </summary>
public static class CorruptionKernels
{
    public const int GaussianNoise = 0, SpeckleNoise = 1, ImpulseNoise = 2;

    [Kernel]
    public static void PerValue(ArrayView<byte> src, ArrayView<byte> dst, int total, int size, long firstImage,
        ulong seed, ulong streamBase, int kind, double c)
    {
        for (int idx = Stride.Start; idx < total; idx += Stride.Step)
        {
            int img = idx / size, i = idx - img * size;
            ulong stream = streamBase | (ulong)(firstImage + img);
            double x = src[idx] / 255.0, v;
            if (kind == ImpulseNoise)
            {
                Philox.Block(seed, stream, (ulong)i, out uint r0, out uint r1, out _, out _);
                // CorruptionRandom.ToDouble: 53 bits from lanes 0 and 1
                double u = ((r0 >> 5) * 67108864.0 + (r1 >> 6)) / 9007199254740992.0;
                v = u < c ? (u < c / 2 ? 1.0 : 0.0) : x;
            }
            else
            {
                Philox.Block(seed, stream, (ulong)(i >> 2), out uint r0, out uint r1, out uint r2, out uint r3);
                int lane = i & 3;
                float noise = lane < 2 ? KMath.BoxMuller(r0, r1, lane == 1) : KMath.BoxMuller(r2, r3, lane == 3);
                v = kind == GaussianNoise ? x + noise * c : x + x * (noise * c);
            }
            // Corruption.Out, then Corruptions.Quantize
            dst[idx] = Quantize((v < 0 ? 0 : v > 1 ? 1 : v) * 255);
        }
    }

    /// <summary>
    /// Contrast: (x − m)·c + m about each plane's mean m, one thread per (image, channel) plane summing in the
    /// host's order, so the mean and the bytes are the host's exactly.
    /// </summary>
    [Kernel]
    public static void Contrast(ArrayView<byte> src, ArrayView<byte> dst, int planes, int plane, double c)
    {
        for (int q = Stride.Start; q < planes; q += Stride.Step)
        {
            long b = (long)q * plane;
            double sum = 0;
            for (int i = 0; i < plane; i++) sum += src[b + i] / 255.0;
            double mean = sum / plane;
            for (int i = 0; i < plane; i++)
            {
                double v = (src[b + i] / 255.0 - mean) * c + mean;
                dst[b + i] = Quantize((v < 0 ? 0 : v > 1 ? 1 : v) * 255);
            }
        }
    }

    /// <summary>Corruptions.Quantize: np.uint8's truncation of a value in [0, 255].</summary>
    private static byte Quantize(double o) => o >= 255 ? (byte)255 : o > 0 ? (byte)o : (byte)0;
}
