using Xunit;

namespace FastRobust.Gpu.Tests.Shifts;

/// <summary>The weather corruptions' kernels (kernels/Corruptions/FogKernel.cs) on ilgpu-cpu give the host's bytes.</summary>
public sealed class WeatherKernelTests
{
    public static TheoryData<int, int> Severities()
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
    [MemberData(nameof(Severities))]
    public void FogGivesTheHostBytes(int severity, int channels) =>
        // the plasma map, its rescaling and the blend are the host's double arithmetic in the host's order, and
        // min/max are exact in any order: exact
        CorruptionAgreement.AssertAgree("fog", severity, channels);

    [Theory]
    [MemberData(nameof(OddShapes))]
    public void FogGivesTheHostBytesOnOddShapes(int severity, int shape) =>
        OddShapeAgreement.AssertExact("fog", severity, OddShapeAgreement.Shapes[shape]);
}
