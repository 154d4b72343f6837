using FastRobust.Shifts;
using Xunit;

namespace FastRobust.Gpu.Tests.Shifts;

/// <summary>JPEG compression (kernels/Corruptions/JpegKernels.cs) on ilgpu-cpu gives the host codec's bytes.</summary>
public sealed class JpegKernelTests
{
    public static TheoryData<int, int> Cases()
    {
        var data = new TheoryData<int, int>();
        for (int s = 1; s <= 5; s++)
            foreach (int channels in new[] { 3, 1 }) data.Add(s, channels);
        return data;
    }

    /// <summary>
    /// Shapes that are not whole MCUs (colour MCUs are 16 × 16, grey 8 × 8): partial blocks, the encoder's edge
    /// replication, chroma with an odd real sample count and the upsampler's edge cases; 3 × 8 × 9 has a chroma plane
    /// 4 × 5 samples wide inside one MCU.
    /// </summary>
    public static readonly ImageShape[] Shapes = [.. OddShapeAgreement.Shapes, new(3, 27, 21), new(3, 8, 9), new(1, 13, 30)];

    public static TheoryData<int, int> OddShapes()
    {
        var data = new TheoryData<int, int>();
        for (int s = 1; s <= 5; s++)
            for (int shape = 0; shape < Shapes.Length; shape++) data.Add(s, shape);
        return data;
    }

    // Every step (colour conversion, downsampling, islow DCT, quantisation, IDCT, fancy upsampling) is integer
    // arithmetic in the host's order, and the skipped Huffman stage is lossless: exact.
    [Theory]
    [MemberData(nameof(Cases))]
    public void KernelGivesTheHostBytes(int severity, int channels) =>
        CorruptionAgreement.AssertAgree("jpeg_compression", severity, channels, maxDiffering: 0);

    [Theory]
    [MemberData(nameof(OddShapes))]
    public void KernelGivesTheHostBytesOnOddShapes(int severity, int shape) =>
        OddShapeAgreement.AssertExact("jpeg_compression", severity, Shapes[shape]);
}
