using Xunit;

namespace FastRobust.Gpu.Tests.Shifts;

/// <summary>Shot noise (kernels/Corruptions/ShotNoiseKernel.cs) on ilgpu-cpu gives the host's bytes at every severity, colour and grey.</summary>
public sealed class ShotNoiseKernelTests
{
    public static TheoryData<int, int> Cases()
    {
        var data = new TheoryData<int, int>();
        for (int s = 1; s <= 5; s++)
            foreach (int channels in new[] { 3, 1 }) data.Add(s, channels);
        return data;
    }

    public static TheoryData<int, int> OddShapes()
    {
        var data = new TheoryData<int, int>();
        for (int s = 1; s <= 5; s++)
            for (int shape = 0; shape < OddShapeAgreement.Shapes.Length; shape++) data.Add(s, shape);
        return data;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void KernelGivesTheHostBytes(int severity, int channels) =>
        // Exact. The counts are integers and Out(k / c) is the host's double arithmetic, so a byte can only differ if a
        // count does. Inversion (λ < 10) uses the host's own e^−λ and its sum order: identical. PTRS (λ ≥ 10, most
        // values at c ≥ 75) compares log v + log(1/α) − log(a/us² + b) with −λ + n·log λ − log Γ(n + 1), the logs
        // through KMath, a few ulps (≈1e-15 relative) from .NET's: a count changes only if the two sides lie within
        // that of each other, about 1e-14 per test, so ~1e-10 per run of 15,000 values. Measured: 0 differing in 7.7
        // million values (200 images per case, every severity and both channel counts, twice).
        CorruptionAgreement.AssertAgree("shot_noise", severity, channels, maxDiffering: 0, maxLevels: 0);

    [Theory]
    [MemberData(nameof(OddShapes))]
    public void KernelGivesTheHostBytesOnOddShapes(int severity, int shape) =>
        OddShapeAgreement.AssertExact("shot_noise", severity, OddShapeAgreement.Shapes[shape]);
}
