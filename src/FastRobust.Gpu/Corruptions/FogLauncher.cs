using FastRobust.Kernels;
using FastRobust.Shifts.Generation;
using ILGPU;
using ILGPU.Runtime;

namespace FastRobust.Gpu;

/// <summary>Fog: one group per image builds its plasma map in scratch, reduces, and blends (kernels/Corruptions/FogKernel.cs).</summary>
internal sealed class FogLauncher : CorruptionLauncher
{
    public override IReadOnlyList<string> Names { get; } = ["fog"];

    public override void Launch(CorruptionBatch b)
    {
        var kernel = b.Backend.K.Load("FogKernel.Fog", a =>
            a.LoadStreamKernel<ArrayView<byte>, ArrayView<byte>, ArrayView<double>, int, int, int, int, long, ulong, ulong, double, double>(FogKernel.Fog));
        var (amount, decay) = Fog.C[b.Severity - 1];
        int m = Fog.MapSize(b.Shape);
        var map = b.Scratch<double>((long)b.N * m * m);
        kernel(b.Backend.Blocks(b.N), b.Src, b.Dst, map, b.Shape.Size, b.Shape.Plane, b.Shape.W, m, b.FirstIndex, b.Seed, b.StreamBase, amount, decay);
    }
}
