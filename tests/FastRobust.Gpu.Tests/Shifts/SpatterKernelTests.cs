using FastRobust.Shifts;
using Xunit;

namespace FastRobust.Gpu.Tests.Shifts;

/// <summary>Spatter (kernels/Corruptions/SpatterKernels.cs and the passes it shares) on ilgpu-cpu gives the host's bytes.</summary>
public sealed class SpatterKernelTests
{
    public static TheoryData<int, int> Cases()
    {
        var data = new TheoryData<int, int>();
        for (int s = 1; s <= 5; s++)
            foreach (int channels in new[] { 3, 1 }) data.Add(s, channels);
        return data;
    }

    /// <summary>
    /// Non-square planes; 27 × 21 has a pixel count that is not a multiple of 4 (the last normals come from a partial
    /// Philox block), and width 8 is the narrowest allowed (every border case at once).
    /// </summary>
    public static readonly ImageShape[] Shapes = [.. OddShapeAgreement.Shapes, new(3, 27, 21), new(1, 8, 13)];

    public static TheoryData<int, int> OddShapes()
    {
        var data = new TheoryData<int, int>();
        for (int s = 1; s <= 5; s++)
            for (int shape = 0; shape < Shapes.Length; shape++) data.Add(s, shape);
        return data;
    }

    // Exact: every pass is the host's arithmetic in the host's types and order (the blurs in double, or rounded to
    // float per pass for mud; Canny, the distance transform, equalisation, emboss and box blurs in integers or the
    // host's float steps). The one inexact ingredient is the layer's normals (KMath's log/sin/cos against .NET's):
    // they differ at most in the last double bits, which the rounding to float absorbs but for about one normal in
    // 10⁸, and such a one-float-ulp change (~1e-9 after the blur) would still have to straddle a threshold or a
    // truncation to show. 24 images a case, so that Canny's hysteresis and the equalisation's ties are exercised
    // (breaking either fails some cases; with 5 images they rarely occurred).
    [Theory]
    [MemberData(nameof(Cases))]
    public void KernelGivesTheHostBytes(int severity, int channels) =>
        CorruptionAgreement.AssertAgree("spatter", severity, channels, maxDiffering: 0, n: 24);

    [Theory]
    [MemberData(nameof(OddShapes))]
    public void KernelGivesTheHostBytesOnOddShapes(int severity, int shape) =>
        OddShapeAgreement.AssertExact("spatter", severity, Shapes[shape]);
}
