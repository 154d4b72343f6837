using FastRobust.Kernels;
using FastRobust.Shifts.Generation;
using ILGPU;
using ILGPU.Runtime;

namespace FastRobust.Gpu;

/// <summary>Contrast: one thread per image plane (kernels/Corruptions/ContrastKernel.cs).</summary>
internal sealed class ContrastLauncher : CorruptionLauncher
{
    public override IReadOnlyList<string> Names { get; } = ["contrast"];

    public override void Launch(CorruptionBatch b)
    {
        var kernel = b.Backend.K.Load("ContrastKernel.Contrast", a =>
            a.LoadStreamKernel<ArrayView<byte>, ArrayView<byte>, int, int, double>(ContrastKernel.Contrast));
        long planes = (long)b.N * b.Shape.C;
        kernel(b.Backend.Elements(planes), b.Src, b.Dst, IlgpuBackend.N(planes), b.Shape.Plane, Contrast.C[b.Severity - 1]);
    }
}
