using FastRobust.Kernels;
using FastRobust.Shifts.Generation;
using ILGPU;
using ILGPU.Runtime;

namespace FastRobust.Gpu;

/// <summary>Defocus blur: one thread per output value over the whole batch (kernels/Corruptions/DefocusKernel.cs), the host's kernel uploaded.</summary>
internal sealed class DefocusBlurLauncher : CorruptionLauncher
{
    public override IReadOnlyList<string> Names { get; } = ["defocus_blur"];

    public override void Launch(CorruptionBatch b)
    {
        var (radius, alias) = DefocusBlur.C[b.Severity - 1];
        var (taps, size) = DefocusBlur.Kernel(radius, alias);
        var k = b.Upload(taps);
        var kernel = b.Backend.K.Load("DefocusKernel.Correlate", a =>
            a.LoadStreamKernel<ArrayView<byte>, ArrayView<byte>, ArrayView<double>, int, int, int, int>(DefocusKernel.Correlate));
        int total = IlgpuBackend.N(b.Total);
        kernel(b.Backend.Elements(total), b.Src, b.Dst, k, total, b.Shape.H, b.Shape.W, size);
    }
}
