using Xunit;

namespace FastRobust.Gpu.Tests.Shifts;

/// <summary>
/// Motion blur and zoom blur (kernels/Corruptions/MotionBlurKernel.cs, ZoomBlurKernels.cs) on ilgpu-cpu give the
/// host's bytes at every severity, on colour and grey images.
/// </summary>
public sealed class MotionZoomBlurKernelTests
{
    public static TheoryData<string, int, int> Cases()
    {
        var data = new TheoryData<string, int, int>();
        foreach (var name in new[] { "motion_blur", "zoom_blur" })
            for (int s = 1; s <= 5; s++)
                foreach (int channels in new[] { 3, 1 }) data.Add(name, s, channels);
        return data;
    }

    public static TheoryData<string, int, int> OddShapes()
    {
        var data = new TheoryData<string, int, int>();
        foreach (var name in new[] { "motion_blur", "zoom_blur" })
            for (int s = 1; s <= 5; s++)
                for (int shape = 0; shape < OddShapeAgreement.Shapes.Length; shape++) data.Add(name, s, shape);
        return data;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void KernelGivesTheHostBytes(string name, int severity, int channels) =>
        // exact for both: no transcendental runs on the device. Motion blur reads the host's tables (weights, and
        // offsets from the image's angle) and sums in double in tap order; zoom blur reads the host's zoom plans, mixes
        // in double and sums in float32 in the host's order. Products are rounded on their own on PTX too (Rounded).
        CorruptionAgreement.AssertAgree(name, severity, channels, maxDiffering: 0);

    [Theory]
    [MemberData(nameof(OddShapes))]
    public void KernelGivesTheHostBytesOnOddShapes(string name, int severity, int shape) =>
        OddShapeAgreement.AssertExact(name, severity, OddShapeAgreement.Shapes[shape]);
}
