namespace FastRobust.Shifts.Generation.Jpeg;

/// <summary>
/// JPEG compression as a pixel transform: encode at a quality, decode. <see cref="RoundTrip"/> skips the Huffman
/// stage, which is lossless, so it returns exactly what decoding the encoded file returns (the tests check this)
/// at a fraction of the cost; it is also the form a GPU kernel mirrors (per-block DCT, quantise, IDCT).
/// </summary>
public static class JpegCodec
{
    public static byte[] RoundTrip(ReadOnlySpan<byte> pixels, int width, int height, int channels, int quality,
        JpegSubsampling subsampling = JpegSubsampling.Yuv420) =>
        JpegDecoder.Synthesize(JpegEncoder.Analyze(pixels, width, height, channels, quality, subsampling));
}
