using Xunit;

namespace FastRobust.Gpu.Tests.Shifts;

/// <summary>Frost (kernels/Corruptions/FrostKernels.cs) on ilgpu-cpu gives the host's bytes at every severity, colour and grey.</summary>
public sealed class FrostKernelTests
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
        // Exact. Everything but the needles' cos/sin/exp and the grain's Box–Muller is the host's double arithmetic in
        // its order (the standardisations' sums too, one thread per image), and those KMath values are a few ulps
        // (~1e-15 relative) from .NET's. The texture is then scaled to 8-bit levels and rounded (Math.Round) before
        // the blend, so a byte can change only where a frost value lies within ~1e-12 of a rounding half, or a needle's
        // box edge within ~1e-15 of an integer: ~1e-12 per value. Measured: 0 differing in 6.1 million values (200
        // images per case, every severity and both channel counts, twice).
        CorruptionAgreement.AssertAgree("frost", severity, channels, maxDiffering: 0, maxLevels: 0);

    /// <summary>Sides that are not powers of two: the haze map (64²) is larger than the image and cropped, and H ≠ W.</summary>
    [Theory]
    [MemberData(nameof(OddShapes))]
    public void KernelGivesTheHostBytesOnOddShapes(int severity, int shape) =>
        OddShapeAgreement.AssertExact("frost", severity, OddShapeAgreement.Shapes[shape]);
}
