using FastRobust.Kernels;
using FastRobust.Shifts.Generation;
using FastRobust.Shifts.Generation.Passes;
using ILGPU;
using ILGPU.Runtime;

namespace FastRobust.Gpu;

/// <summary>
/// Shot noise: one thread per value (kernels/Corruptions/ShotNoiseKernel.cs), with the host's Poisson constants for
/// the 256 byte values at the severity (ShotNoise.Tables) uploaded once per call.
/// </summary>
internal sealed class ShotNoiseLauncher : CorruptionLauncher
{
    public override IReadOnlyList<string> Names { get; } = ["shot_noise"];

    public override void Launch(CorruptionBatch b)
    {
        var constants = ShotNoise.Tables[b.Severity - 1];
        var flat = new double[constants.Length * ShotNoiseKernel.K];
        for (int v = 0; v < constants.Length; v++)
        {
            var k = constants[v];
            int o = v * ShotNoiseKernel.K;
            (flat[o], flat[o + 1], flat[o + 2], flat[o + 3], flat[o + 4], flat[o + 5], flat[o + 6]) =
                (k.Lambda, k.ExpNeg, k.LogLam, k.A, k.B, k.LogInvAlpha, k.Vr);
        }
        var table = b.Upload(flat);

        var kernel = b.Backend.K.Load("ShotNoiseKernel.Shot", a =>
            a.LoadStreamKernel<ArrayView<byte>, ArrayView<byte>, ArrayView<double>, int, int, long, ulong, ulong, double, int>(ShotNoiseKernel.Shot));
        kernel(b.Backend.Elements(b.Total), b.Src, b.Dst, table, IlgpuBackend.N(b.Total), b.Shape.Size, b.FirstIndex, b.Seed, b.StreamBase,
            ShotNoise.C[b.Severity - 1], Poisson.MaxAttempts);
    }
}
