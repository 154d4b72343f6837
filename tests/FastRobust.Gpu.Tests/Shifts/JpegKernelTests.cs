using FastRobust.Shifts;
using Xunit;

namespace FastRobust.Gpu.Tests.Shifts;

/// <summary>The JPEG kernels (kernels/Corruptions/JpegKernels.cs) on ilgpu-cpu give the host codec's bytes.</summary>
public sealed class JpegKernelTests
{
    public static TheoryData<int, int> Cases()
    {
        var data = new TheoryData<int, int>();
        for (int s = 1; s <= 5; s++)
            foreach (int channels in new[] { 3, 1 }) data.Add(s, channels);
        return data;
    }

    // Every step (colour conversion, downsampling, islow DCT, quantisation, IDCT, fancy upsampling) is integer
    // arithmetic in the host's order, and the skipped Huffman stage is lossless: exact. The grey images (28 × 28)
    // are not a whole number of blocks, so the edge replication is exercised; the colour ones are 32 × 32.
    [Theory]
    [MemberData(nameof(Cases))]
    public void KernelGivesTheHostBytes(int severity, int channels) =>
        CorruptionAgreement.AssertAgree("jpeg_compression", severity, channels, maxDiffering: 0);

    // Shapes that are not whole MCUs either way (colour MCUs are 16 × 16: partial blocks, chroma with an odd real
    // sample count, the upsampler's one-sample edges), exact for the same reason.
    [Theory]
    [InlineData(3, 27, 21)]
    [InlineData(3, 8, 9)]
    [InlineData(1, 13, 30)]
    public void OddShapesGiveTheHostBytes(int c, int h, int w)
    {
        var shape = new ImageShape(c, h, w);
        var images = CorruptionAgreement.Images(new System.Random(h * 100 + w), 3, shape);
        var corruption = Corruptions.Get("jpeg_compression");
        for (int s = 1; s <= 5; s += 2)
            Assert.Equal(Corruptions.ApplyBytes(corruption, s, images, 3, shape, 11, 5),
                CorruptionAgreement.Kernels.ApplyBytes(corruption, s, images, 3, shape, 11, 5));
    }
}
