using FastRobust.Kernels;
using FastRobust.Shifts.Generation;
using FastRobust.Shifts.Generation.Passes;
using ILGPU;
using ILGPU.Runtime;

namespace FastRobust.Gpu;

/// <summary>
/// Motion blur: one thread per output value (kernels/Corruptions/MotionBlurKernel.cs). Each image's angle, and the
/// tap offsets it gives, come from the host's <see cref="MotionBlur"/> built with the image's own random angle, so
/// the rounding of the offsets is the host's; they are uploaded as a small table (2 · taps ints per image).
/// </summary>
internal sealed class MotionBlurLauncher : CorruptionLauncher
{
    public override IReadOnlyList<string> Names { get; } = ["motion_blur"];

    public override void Launch(CorruptionBatch b)
    {
        var (radius, sigma) = MotionBlurCorruption.C[b.Severity - 1];
        var (taps, weights, shifts) = Tables(b, radius, sigma, r => MotionBlurCorruption.Angle(r));
        Blur(b, b.Src, b.Dst, b.Shape.C, taps, weights, shifts);
    }

    /// <summary>
    /// The batch's motion-blur tables: the taps' weights and, per image, the taps' x then y offsets for the angle
    /// <paramref name="angle"/> draws from that image's <see cref="CorruptionRandom"/>.
    /// </summary>
    internal static (int Taps, ArrayView<double> Weights, ArrayView<int> Shifts) Tables(CorruptionBatch b, double radius, double sigma,
        Func<CorruptionRandom, double> angle)
    {
        int taps = 0;
        double[] weights = [];
        int[] shifts = [];
        for (int img = 0; img < b.N; img++)
        {
            var blur = new MotionBlur(radius, sigma, angle(new CorruptionRandom(b.Seed, b.Corruption.Index, b.Severity, b.FirstIndex + img)));
            if (img == 0)
            {
                taps = blur.Width;
                weights = blur.Weights.ToArray(); // depend on radius and σ only
                shifts = new int[b.N * 2 * taps];
            }
            blur.Dx.CopyTo(shifts.AsSpan(img * 2 * taps, taps));
            blur.Dy.CopyTo(shifts.AsSpan(img * 2 * taps + taps, taps));
        }
        return (taps, b.Upload(weights), b.Upload(shifts));
    }

    /// <summary>Blurs the batch's planes (<paramref name="planesPerImage"/> per image, all of the image's angle) from src into dst.</summary>
    internal static void Blur(CorruptionBatch b, ArrayView<byte> src, ArrayView<byte> dst, int planesPerImage, int taps,
        ArrayView<double> weights, ArrayView<int> shifts)
    {
        var kernel = b.Backend.K.Load("MotionBlurKernel.Blur", a =>
            a.LoadStreamKernel<ArrayView<byte>, ArrayView<byte>, int, int, int, int, int, ArrayView<double>, ArrayView<int>>(MotionBlurKernel.Blur));
        long total = (long)b.N * planesPerImage * b.Shape.Plane;
        kernel(b.Backend.Elements(total), src, dst, IlgpuBackend.N(total), b.Shape.H, b.Shape.W, planesPerImage, taps, weights, shifts);
    }
}
