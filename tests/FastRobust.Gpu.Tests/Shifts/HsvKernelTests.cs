using FastRobust.Shifts;
using Xunit;

namespace FastRobust.Gpu.Tests.Shifts;

/// <summary>
/// Brightness and saturate (kernels/Corruptions/HsvKernels.cs) on ilgpu-cpu give the host's bytes at every severity:
/// brightness on colour and grey images, saturate on colour only (the host refuses grey).
/// </summary>
public sealed class HsvKernelTests
{
    public static TheoryData<string, int, int> Cases()
    {
        var data = new TheoryData<string, int, int>();
        for (int s = 1; s <= 5; s++)
        {
            data.Add("brightness", s, 3);
            data.Add("brightness", s, 1);
            data.Add("saturate", s, 3);
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void KernelGivesTheHostBytes(string name, int severity, int channels) =>
        // exact: no transcendental, the host's double arithmetic in its order
        CorruptionAgreement.AssertAgree(name, severity, channels, maxDiffering: 0, maxLevels: 0);

    /// <summary>Non-square shapes: brightness on both (colour and grey), saturate on the colour one.</summary>
    [Theory]
    [InlineData("brightness", 0)]
    [InlineData("brightness", 1)]
    [InlineData("saturate", 0)]
    public void KernelGivesTheHostBytesOnOddShapes(string name, int shape)
    {
        for (int s = 1; s <= 5; s++) OddShapeAgreement.AssertExact(name, s, OddShapeAgreement.Shapes[shape]);
    }

    [Fact]
    public void SaturateHasNoGreyKernel() =>
        Assert.False(CorruptionAgreement.Kernels.Supports(Corruptions.Get("saturate"), new ImageShape(1, 28, 28)));
}
