using ILGPU;

namespace FastRobust.Kernels;

/// <summary>
/// Gaussian, speckle and impulse noise (src/FastRobust/Shifts/Generation/NoiseCorruptions.cs) over a whole batch of 8-bit CHW
/// images, one value per thread. Each value's draws come from the same Philox block as on the host (stream
/// streamBase | image index, counter = the value's block in field 0) and the arithmetic is the host's, in double,
/// so the bytes are the host's (Box–Muller through KMath, whose log/sin/cos may differ from .NET's in the last
/// double bits: the tests allow a value one level off in a million).
/// </summary>
[HostBytes]
public static class NoiseKernels
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
                double u = CorruptionMath.Uniform(seed, stream, CorruptionMath.FieldOffset(0) + (ulong)i);
                v = u < c ? (u < c / 2 ? 1.0 : 0.0) : x;
            }
            else
            {
                float noise = CorruptionMath.Normal(seed, stream, CorruptionMath.FieldOffset(0), i);
                v = kind == GaussianNoise ? x + Rounded.Mul(noise, c) : x + Rounded.Mul(x, Rounded.Mul(noise, c));
            }
            dst[idx] = CorruptionMath.Out(v);
        }
    }
}
