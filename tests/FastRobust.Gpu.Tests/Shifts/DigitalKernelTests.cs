using Xunit;

namespace FastRobust.Gpu.Tests.Shifts;

/// <summary>The digital corruptions' kernels (kernels/Corruptions/ElasticKernels.cs, BoxResizeKernel.cs) on ilgpu-cpu give the host's bytes.</summary>
public sealed class DigitalKernelTests
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
    public void ElasticTransformGivesTheHostBytes(int severity, int channels) =>
        // noise, blur, warpAffine and map_coordinates are the host's double and float32 arithmetic in the host's
        // order, the affine is the host's own: exact
        CorruptionAgreement.AssertAgree("elastic_transform", severity, channels);

    [Theory]
    [MemberData(nameof(OddShapes))]
    public void ElasticTransformGivesTheHostBytesOnOddShapes(int severity, int shape) =>
        OddShapeAgreement.AssertExact("elastic_transform", severity, OddShapeAgreement.Shapes[shape]);

    [Theory]
    [MemberData(nameof(Severities))]
    public void PixelateGivesTheHostBytes(int severity, int channels) =>
        // Pillow's box resize in 22-bit fixed point with the host's weights: integer arithmetic, exact
        CorruptionAgreement.AssertAgree("pixelate", severity, channels, maxDiffering: 0, maxLevels: 0);

    [Theory]
    [MemberData(nameof(OddShapes))]
    public void PixelateGivesTheHostBytesOnOddShapes(int severity, int shape) =>
        OddShapeAgreement.AssertExact("pixelate", severity, OddShapeAgreement.Shapes[shape]);
}
