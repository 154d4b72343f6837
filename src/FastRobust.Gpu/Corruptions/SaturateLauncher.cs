using FastRobust.Kernels;
using FastRobust.Shifts.Generation;
using ILGPU;
using ILGPU.Runtime;

namespace FastRobust.Gpu;

/// <summary>Saturate: one thread per pixel (kernels/Corruptions/HsvKernels.cs); colour images only, as on the host.</summary>
internal sealed class SaturateLauncher : CorruptionLauncher
{
    public override IReadOnlyList<string> Names { get; } = ["saturate"];

    public override bool Supports(ImageShape shape) => shape.C == 3;

    public override void Launch(CorruptionBatch b)
    {
        var kernel = b.Backend.K.Load("HsvKernels.Saturate", a =>
            a.LoadStreamKernel<ArrayView<byte>, ArrayView<byte>, int, int, double, double>(HsvKernels.Saturate));
        long pixels = (long)b.N * b.Shape.Plane;
        var (sa, sb) = Saturate.C[b.Severity - 1];
        kernel(b.Backend.Elements(pixels), b.Src, b.Dst, IlgpuBackend.N(pixels), b.Shape.Plane, sa, sb);
    }
}
