using FastRobust.Kernels;
using FastRobust.Shifts.Generation;
using ILGPU;
using ILGPU.Runtime;

namespace FastRobust.Gpu;

/// <summary>Gaussian, speckle and impulse noise: one thread per value (kernels/Corruptions/NoiseKernels.cs).</summary>
internal sealed class NoiseLauncher : CorruptionLauncher
{
    public override IReadOnlyList<string> Names { get; } = ["gaussian_noise", "speckle_noise", "impulse_noise"];

    public override void Launch(CorruptionBatch b)
    {
        var (kind, c) = b.Corruption switch
        {
            GaussianNoise => (NoiseKernels.GaussianNoise, GaussianNoise.C),
            SpeckleNoise => (NoiseKernels.SpeckleNoise, SpeckleNoise.C),
            ImpulseNoise => (NoiseKernels.ImpulseNoise, ImpulseNoise.C),
            _ => throw new ArgumentException($"{b.Corruption.Name} is not a per-value noise"),
        };
        var kernel = b.Backend.K.Load("NoiseKernels.PerValue", a =>
            a.LoadStreamKernel<ArrayView<byte>, ArrayView<byte>, int, int, long, ulong, ulong, int, double>(NoiseKernels.PerValue));
        kernel(b.Backend.Elements(b.Total), b.Src, b.Dst, IlgpuBackend.N(b.Total), b.Shape.Size, b.FirstIndex, b.Seed, b.StreamBase, kind, c[b.Severity - 1]);
    }
}
