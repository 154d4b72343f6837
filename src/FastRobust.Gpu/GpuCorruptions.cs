using FastRobust.Kernels;
using FastRobust.Shifts;
using ILGPU.Runtime;

namespace FastRobust.Gpu;

/// <summary>
/// The corruptions that have a kernel (kernels/Corruptions.cs), over a whole batch on the GPU: the same bytes as
/// <see cref="Corruptions.ApplyBytes"/>. So far the per-value noises (gaussian, speckle, impulse) and contrast; every other
/// corruption runs on the host (<see cref="Supports"/> says which). Not yet called by the corrupt verb or the study.
/// </summary>
public static class GpuCorruptions
{
    private const int ContrastKind = 100;

    public static bool Supports(Corruption corruption) => Kernel(corruption) is not null;

    /// <summary>The kernel's kind and the corruption's per-severity constants, or null where there is no kernel.</summary>
    private static (int Kind, double[] C)? Kernel(Corruption corruption) => corruption switch
    {
        GaussianNoise => (CorruptionKernels.GaussianNoise, GaussianNoise.C),
        SpeckleNoise => (CorruptionKernels.SpeckleNoise, SpeckleNoise.C),
        ImpulseNoise => (CorruptionKernels.ImpulseNoise, ImpulseNoise.C),
        Contrast => (ContrastKind, Contrast.C),
        _ => null,
    };

    /// <summary>8-bit NCHW in, 8-bit NCHW out; image i draws as image <paramref name="firstIndex"/> + i of the set.</summary>
    public static byte[] ApplyBytes(IlgpuBackend backend, Corruption corruption, int severity, ReadOnlySpan<byte> images, int n,
        ImageShape shape, ulong seed, long firstIndex = 0)
    {
        var (kind, constants) = Kernel(corruption) ?? throw new ArgumentException($"{corruption.Name} has no GPU kernel yet", nameof(corruption));
        Corruptions.Check(corruption, severity, shape);
        double c = constants[severity - 1];
        long total = (long)n * shape.Size;
        if (images.Length < total) throw new ArgumentException($"{images.Length} bytes for {n} images of {shape}");
        var result = new byte[total];
        if (total == 0) return result;
        var a = backend.Accelerator;
        using var src = a.Allocate1D(images[..(int)total].ToArray());
        using var dst = a.Allocate1D<byte>(total);
        dst.View.MemSet(a.DefaultStream, 0xCD); // poison: a value the kernel forgot cannot pass for the host's
        ulong streamBase = new CorruptionRandom(seed, corruption.Index, severity, 0).Stream;
        if (kind == ContrastKind)
            backend.K.CorruptContrast(backend.Elements((long)n * shape.C), src.View, dst.View, IlgpuBackend.N((long)n * shape.C), shape.Plane, c);
        else
            backend.K.CorruptPerValue(backend.Elements(total), src.View, dst.View, IlgpuBackend.N(total), shape.Size, firstIndex, seed, streamBase, kind, c);
        a.Synchronize();
        dst.CopyToCPU(result);
        return result;
    }
}
