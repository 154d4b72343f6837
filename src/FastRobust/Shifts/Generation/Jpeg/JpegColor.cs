namespace FastRobust.Shifts.Generation.Jpeg;

/// <summary>
/// libjpeg's fixed-point colour conversions and chroma resampling (16 fractional bits; rgb_ycc_convert,
/// ycc_rgb_convert, h2v2_downsample with its alternating 1, 2 bias, and the "fancy" triangular upsamplers
/// h2v1/h2v2), written from their definitions so that pixels agree with libjpeg-turbo's.
/// </summary>
internal static class JpegColor
{
    private const int ScaleBits = 16;
    private const int OneHalf = 1 << (ScaleBits - 1);
    private static int Fix(double x) => (int)(x * (1 << ScaleBits) + 0.5);

    private static readonly int[] RY = Table(i => Fix(0.29900) * i), GY = Table(i => Fix(0.58700) * i), BY = Table(i => Fix(0.11400) * i + OneHalf);
    private static readonly int[] RCb = Table(i => -Fix(0.16874) * i), GCb = Table(i => -Fix(0.33126) * i);
    // the B→Cb and R→Cr tables are one: 0.5·i + 128 with a rounding fudge of ½ − ε so 255 cannot overflow
    private static readonly int[] BCb = Table(i => Fix(0.50000) * i + (128 << ScaleBits) + OneHalf - 1);
    private static readonly int[] GCr = Table(i => -Fix(0.41869) * i), BCr = Table(i => -Fix(0.08131) * i);

    private static readonly int[] CrR = Table(i => (Fix(1.40200) * (i - 128) + OneHalf) >> ScaleBits);
    private static readonly int[] CbB = Table(i => (Fix(1.77200) * (i - 128) + OneHalf) >> ScaleBits);
    private static readonly int[] CrG = Table(i => -Fix(0.71414) * (i - 128));
    private static readonly int[] CbG = Table(i => -Fix(0.34414) * (i - 128) + OneHalf);

    private static int[] Table(Func<int, int> f) => Enumerable.Range(0, 256).Select(f).ToArray();

    public static void RgbToYcc(byte r, byte g, byte b, out byte y, out byte cb, out byte cr)
    {
        y = (byte)((RY[r] + GY[g] + BY[b]) >> ScaleBits);
        cb = (byte)((RCb[r] + GCb[g] + BCb[b]) >> ScaleBits);
        cr = (byte)((BCb[r] + GCr[g] + BCr[b]) >> ScaleBits);
    }

    public static void YccToRgb(byte y, byte cb, byte cr, out byte r, out byte g, out byte b)
    {
        r = Clamp(y + CrR[cr]);
        g = Clamp(y + ((CbG[cb] + CrG[cr]) >> ScaleBits));
        b = Clamp(y + CbB[cb]);
    }

    private static byte Clamp(int v) => (byte)Math.Clamp(v, 0, 255);

    /// <summary>2 × 2 averages with bias alternating 1, 2 along each row (libjpeg's h2v2_downsample).</summary>
    public static void DownsampleH2V2(ReadOnlySpan<byte> src, int srcW, Span<byte> dst, int dstW, int dstH)
    {
        for (int y = 0; y < dstH; y++)
        {
            int bias = 1;
            var r0 = src.Slice(2 * y * srcW, srcW);
            var r1 = src.Slice((2 * y + 1) * srcW, srcW);
            for (int x = 0; x < dstW; x++)
            {
                dst[y * dstW + x] = (byte)((r0[2 * x] + r0[2 * x + 1] + r1[2 * x] + r1[2 * x + 1] + bias) >> 2);
                bias ^= 3;
            }
        }
    }

    /// <summary>
    /// Doubles a plane both ways with libjpeg's h2v2 fancy upsampling (weights 9/16, 3/16, 3/16, 1/16; rows above the
    /// first and below the last repeat them). <paramref name="w"/> × <paramref name="h"/> are the component's real
    /// sample counts; <paramref name="stride"/> the stored row length; output is 2w × 2h.
    /// </summary>
    public static void UpsampleH2V2(ReadOnlySpan<byte> src, int w, int h, int stride, Span<byte> dst)
    {
        int ow = 2 * w;
        for (int y = 0; y < h; y++)
        {
            for (int v = 0; v < 2; v++)
            {
                var near = src.Slice(y * stride, w);
                int other = v == 0 ? Math.Max(y - 1, 0) : Math.Min(y + 1, h - 1);
                var far = src.Slice(other * stride, w);
                var o = dst.Slice((2 * y + v) * ow, ow);
                if (w == 1)
                {
                    int s = near[0] * 3 + far[0];
                    o[0] = (byte)((s * 4 + 8) >> 4);
                    o[1] = (byte)((s * 4 + 7) >> 4);
                    continue;
                }
                int thisSum = near[0] * 3 + far[0], nextSum = near[1] * 3 + far[1];
                o[0] = (byte)((thisSum * 4 + 8) >> 4);
                o[1] = (byte)((thisSum * 3 + nextSum + 7) >> 4);
                int lastSum = thisSum;
                thisSum = nextSum;
                for (int x = 1; x < w - 1; x++)
                {
                    nextSum = near[x + 1] * 3 + far[x + 1];
                    o[2 * x] = (byte)((thisSum * 3 + lastSum + 8) >> 4);
                    o[2 * x + 1] = (byte)((thisSum * 3 + nextSum + 7) >> 4);
                    lastSum = thisSum;
                    thisSum = nextSum;
                }
                o[2 * w - 2] = (byte)((thisSum * 3 + lastSum + 8) >> 4);
                o[2 * w - 1] = (byte)((thisSum * 4 + 7) >> 4);
            }
        }
    }

    /// <summary>Doubles a plane horizontally with libjpeg's h2v1 fancy upsampling (3/4, 1/4); output 2w × h.</summary>
    public static void UpsampleH2V1(ReadOnlySpan<byte> src, int w, int h, int stride, Span<byte> dst)
    {
        int ow = 2 * w;
        for (int y = 0; y < h; y++)
        {
            var i = src.Slice(y * stride, w);
            var o = dst.Slice(y * ow, ow);
            if (w == 1)
            {
                o[0] = o[1] = i[0];
                continue;
            }
            o[0] = i[0];
            o[1] = (byte)((i[0] * 3 + i[1] + 2) >> 2);
            for (int x = 1; x < w - 1; x++)
            {
                int v = i[x] * 3;
                o[2 * x] = (byte)((v + i[x - 1] + 1) >> 2);
                o[2 * x + 1] = (byte)((v + i[x + 1] + 2) >> 2);
            }
            o[2 * w - 2] = (byte)((i[w - 1] * 3 + i[w - 2] + 1) >> 2);
            o[2 * w - 1] = i[w - 1];
        }
    }
}
