using FastRobust.Kernels;
using FastRobust.Shifts.Generation;
using ILGPU;
using ILGPU.Runtime;

namespace FastRobust.Gpu;

/// <summary>Brightness: one thread per pixel (kernels/Corruptions/HsvKernels.cs), per value on grey images.</summary>
internal sealed class BrightnessLauncher : CorruptionLauncher
{
    public override IReadOnlyList<string> Names { get; } = ["brightness"];

    public override void Launch(CorruptionBatch b)
    {
        var kernel = b.Backend.K.Load("HsvKernels.Brightness", a =>
            a.LoadStreamKernel<ArrayView<byte>, ArrayView<byte>, int, int, int, double>(HsvKernels.Brightness));
        long pixels = (long)b.N * b.Shape.Plane;
        kernel(b.Backend.Elements(pixels), b.Src, b.Dst, IlgpuBackend.N(pixels), b.Shape.Plane, b.Shape.C, Brightness.C[b.Severity - 1]);
    }
}
