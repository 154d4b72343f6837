using Xunit;

namespace FastRobust.Gpu.Tests.Shifts;

/// <summary>Snow (kernels/Corruptions/SnowKernels.cs) on ilgpu-cpu gives the host's bytes at every severity, on colour and grey images.</summary>
public sealed class SnowKernelTests
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
        // exact: everything but the normals is the host's arithmetic on the host's tables, and the normals' float32
        // values are the host's too on ilgpu-cpu — KMath's log/sin/cos differ from .NET's at most in the last double
        // bits, which the rounding to float absorbed for all of 20 million random lane pairs tried (and no byte
        // differed in 300 images × 5 severities); a stray one-ulp normal would still have to move a flake across an
        // 8-bit or threshold boundary to show
        CorruptionAgreement.AssertAgree("snow", severity, channels, maxDiffering: 0);

    [Theory]
    [MemberData(nameof(OddShapes))]
    public void KernelGivesTheHostBytesOnOddShapes(int severity, int shape) =>
        OddShapeAgreement.AssertExact("snow", severity, OddShapeAgreement.Shapes[shape]);
}
