using FastRobust.Data;
using FastRobust.Shifts.Generation.Jpeg;
using FastRobust.Util;
using Xunit;

namespace FastRobust.Tests.Shifts;

/// <summary>
/// Our baseline JPEG codec against Pillow/libjpeg-turbo (files and decodes made by shift_make_fixtures.py): real JPEG
/// files decode to Pillow's pixels exactly, our encoder writes Pillow's files byte for byte, and the entropy-free
/// round trip the corruption uses equals decoding the encoded file.
/// </summary>
public class JpegTests
{
    private static byte[] Hwc(int image)
    {
        var chw = ShiftFixtures.Image(image);
        var hwc = new byte[3072];
        for (int c = 0; c < 3; c++)
            for (int p = 0; p < 1024; p++) hwc[p * 3 + c] = chw[c * 1024 + p];
        return hwc;
    }

    [Fact]
    public void DecodesPillowsColourJpegToPillowsPixels()
    {
        var (pixels, w, h, n) = JpegDecoder.Decode(File.ReadAllBytes(ShiftFixtures.Path("shift_q75.jpg")));
        Assert.Equal((32, 32, 3), (w, h, n));
        Assert.Equal(Npy.ReadUInt8(ShiftFixtures.Path("shift_q75_pixels.npy")).Data, pixels);
    }

    [Fact]
    public void DecodesPillowsGreyJpegToPillowsPixels()
    {
        var (pixels, w, h, n) = JpegDecoder.Decode(File.ReadAllBytes(ShiftFixtures.Path("shift_gray_q50.jpg")));
        Assert.Equal((28, 28, 1), (w, h, n));
        Assert.Equal(Npy.ReadUInt8(ShiftFixtures.Path("shift_gray_q50_pixels.npy")).Data, pixels);
    }

    [Theory]
    [InlineData(80)]
    [InlineData(40)]
    public void EncodesTheSameBytesAsPillow(int quality)
    {
        var ours = JpegEncoder.Encode(Hwc(1), 32, 32, 3, quality);
        Assert.Equal(File.ReadAllBytes(ShiftFixtures.Path($"shift_pil_q{quality}.jpg")), ours);
    }

    [Fact]
    public void EncodesTheSameGreyBytesAsPillow()
    {
        var src = Npy.ReadUInt8(ShiftFixtures.Path("shift_gray_q50_source.npy")).Data;
        Assert.Equal(File.ReadAllBytes(ShiftFixtures.Path("shift_gray_q50.jpg")), JpegEncoder.Encode(src, 28, 28, 1, 50));
    }

    [Theory]
    [InlineData(3, 32, 32, JpegSubsampling.Yuv420)]
    [InlineData(3, 32, 32, JpegSubsampling.Yuv444)]
    [InlineData(3, 27, 19, JpegSubsampling.Yuv420)]
    [InlineData(1, 28, 28, JpegSubsampling.Yuv420)]
    [InlineData(1, 13, 9, JpegSubsampling.Yuv420)]
    public void RoundTripEqualsDecodingTheEncodedFile(int channels, int h, int w, JpegSubsampling sub)
    {
        var r = new System.Random(h * 31 + w);
        var pixels = new byte[h * w * channels];
        for (int y = 0; y < h; y++)
            for (int x = 0; x < w; x++)
                for (int c = 0; c < channels; c++)
                    pixels[(y * w + x) * channels + c] = (byte)Math.Clamp(128 + 90 * Math.Sin(0.3 * x + 0.2 * y + c) + r.Next(-20, 21), 0, 255);
        foreach (int q in new[] { 95, 80, 50, 10, 1 })
        {
            var file = JpegEncoder.Encode(pixels, w, h, channels, q, sub);
            var (decoded, dw, dh, dn) = JpegDecoder.Decode(file);
            Assert.Equal((w, h, channels), (dw, dh, dn));
            Assert.Equal(JpegCodec.RoundTrip(pixels, w, h, channels, q, sub), decoded);
        }
    }

    [Fact]
    public void HigherQualityIsCloserToTheOriginal()
    {
        var src = Hwc(0);
        double previous = double.MaxValue;
        foreach (int q in new[] { 10, 40, 65, 80, 95, 100 })
        {
            var d = JpegCodec.RoundTrip(src, 32, 32, 3, q);
            double mse = src.Zip(d).Average(t => (t.First - t.Second) * (double)(t.First - t.Second));
            Assert.True(mse < previous, $"quality {q}: MSE {mse} not below {previous}");
            previous = mse;
        }
        // at quality 100 with 4:4:4 only the colour conversion and DCT rounding remain
        var exact = JpegCodec.RoundTrip(src, 32, 32, 3, 100, JpegSubsampling.Yuv444);
        Assert.True(src.Zip(exact).Max(t => Math.Abs(t.First - t.Second)) <= 3);
    }

    [Fact]
    public void QualityScalesTablesAsLibjpeg()
    {
        // libjpeg: quality 50 keeps Annex K, 75 halves (rounded), 10 multiplies by 5 and clamps at 255
        Assert.Equal(JpegTables.Luminance.ToArray().Select(v => (ushort)v), JpegTables.Scaled(JpegTables.Luminance, 50));
        Assert.Equal(8, JpegTables.Scaled(JpegTables.Luminance, 75)[0]);
        Assert.Equal(80, JpegTables.Scaled(JpegTables.Luminance, 10)[0]);
        Assert.Equal(255, JpegTables.Scaled(JpegTables.Chrominance, 10)[63]);
        Assert.All(JpegTables.Scaled(JpegTables.Chrominance, 100), v => Assert.Equal(1, v));
    }

    [Fact]
    public void IslowDctMatchesTheFloat64Definition()
    {
        // forward: F(u, v) = ¼ C(u) C(v) Σ f(x, y) cos((2x+1)uπ/16) cos((2y+1)vπ/16), libjpeg's scaled by 8
        var r = new System.Random(3);
        Span<int> block = stackalloc int[64];
        var f = new int[64];
        for (int trial = 0; trial < 20; trial++)
        {
            for (int i = 0; i < 64; i++) block[i] = f[i] = r.Next(-128, 128);
            JpegDct.Forward(block);
            for (int v = 0; v < 8; v++)
                for (int u = 0; u < 8; u++)
                {
                    double sum = 0;
                    for (int y = 0; y < 8; y++)
                        for (int x = 0; x < 8; x++)
                            sum += f[y * 8 + x] * Math.Cos((2 * x + 1) * u * Math.PI / 16) * Math.Cos((2 * y + 1) * v * Math.PI / 16);
                    double exact = 8 * 0.25 * (u == 0 ? Math.Sqrt(0.5) : 1) * (v == 0 ? Math.Sqrt(0.5) : 1) * sum;
                    Assert.True(Math.Abs(block[v * 8 + u] - exact) <= 3, $"coefficient ({u}, {v}): {block[v * 8 + u]} vs {exact:F2}");
                }
        }
    }

    [Fact]
    public void BadFilesAreRefusedClearly()
    {
        var good = File.ReadAllBytes(ShiftFixtures.Path("shift_q75.jpg"));
        Assert.Contains("not a JPEG", Assert.Throws<InputException>(() => JpegDecoder.Decode(new byte[] { 1, 2, 3, 4 }, "x.jpg")).Message);
        Assert.Contains("x.jpg", Assert.Throws<InputException>(() => JpegDecoder.Decode(good.AsSpan(0, 100), "x.jpg")).Message);
        var progressive = (byte[])good.Clone();
        int sof = Enumerable.Range(0, progressive.Length - 1).First(i => progressive[i] == 0xFF && progressive[i + 1] == 0xC0);
        progressive[sof + 1] = 0xC2;
        Assert.Contains("progressive", Assert.Throws<InputException>(() => JpegDecoder.Decode(progressive)).Message);
    }
}
