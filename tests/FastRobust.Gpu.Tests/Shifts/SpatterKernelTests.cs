using FastRobust.Shifts;
using Xunit;

namespace FastRobust.Gpu.Tests.Shifts;

/// <summary>The spatter kernels (kernels/Corruptions/SpatterKernels.cs and its passes) on ilgpu-cpu give the host's bytes.</summary>
public sealed class SpatterKernelTests
{
    public static TheoryData<int, int> Cases()
    {
        var data = new TheoryData<int, int>();
        for (int s = 1; s <= 5; s++)
            foreach (int channels in new[] { 3, 1 }) data.Add(s, channels);
        return data;
    }

    // Exact: every pass is the host's arithmetic in the host's types and order (the blurs in double, or rounded to
    // float per pass for mud; Canny, the distance transform, equalisation, emboss and box blurs in integers or the
    // host's float steps). The one inexact ingredient is the layer's normals (KMath's log/sin/cos against .NET's):
    // they differ in the last double bits, which survive the rounding to float for about one normal in 10⁸, and such
    // a one-float-ulp change (~1e-9 after the blur) would still have to straddle a threshold or a truncation to show.
    [Theory]
    [MemberData(nameof(Cases))]
    public void KernelGivesTheHostBytes(int severity, int channels) =>
        CorruptionAgreement.AssertAgree("spatter", severity, channels, maxDiffering: 0, n: 24);

    // Non-square planes whose pixel count is not a multiple of 4 (the last normals come from a partial Philox block)
    // and the narrowest allowed width (8: every reflect-101 and nearest border case), at every severity: exact.
    [Theory]
    [InlineData(3, 27, 21)]
    [InlineData(1, 8, 13)]
    public void OddShapesGiveTheHostBytes(int c, int h, int w)
    {
        var shape = new ImageShape(c, h, w);
        var images = CorruptionAgreement.Images(new System.Random(h * 100 + w), 6, shape);
        var corruption = Corruptions.Get("spatter");
        for (int s = 1; s <= 5; s++)
            Assert.Equal(Corruptions.ApplyBytes(corruption, s, images, 6, shape, 23, 9),
                CorruptionAgreement.Kernels.ApplyBytes(corruption, s, images, 6, shape, 23, 9));
    }
}
