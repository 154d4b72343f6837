namespace FastRobust.Shifts.Generation.Jpeg;

/// <summary>
/// The 8 × 8 DCTs of libjpeg's "islow" method (Loeffler, Ligtenberg &amp; Moschytz's factorisation in 13-bit fixed
/// point, 2 extra bits between the passes), the default of libjpeg and of Pillow, written from the algorithm so that
/// coefficients and pixels agree with libjpeg-turbo's to the bit. The forward output is scaled by 8.
/// The one-dimensional passes (<see cref="Forward1D"/>, <see cref="Inverse1D"/>) and the scalar helpers take and
/// return plain integers, so the JPEG corruption kernel (kernels/Corruptions/JpegKernels.cs) calls these very methods
/// on its own memory layout: one copy of the arithmetic for host and device.
/// </summary>
public static class JpegDct
{
    public const int ConstBits = 13, Pass1Bits = 2;
    private const int F0298 = 2446, F0390 = 3196, F0541 = 4433, F0765 = 6270, F0899 = 7373, F1175 = 9633, F1501 = 12299,
        F1847 = 15137, F1961 = 16069, F2053 = 16819, F2562 = 20995, F3072 = 25172;

    /// <summary>The inverse column pass's descale (into the workspace) and the row pass's (into pixels).</summary>
    public const int InverseColumnShift = ConstBits - Pass1Bits, InverseRowShift = ConstBits + Pass1Bits + 3;

    /// <summary>x / 2ⁿ rounded half up.</summary>
    public static int Descale(long x, int n) => (int)((x + (1L << (n - 1))) >> n);

    /// <summary>In place on samples already shifted by −128; results scaled by 8.</summary>
    public static void Forward(Span<int> d)
    {
        for (int r = 0; r < 8; r++)
        {
            var p = d.Slice(r * 8, 8);
            Forward1D(p[0], p[1], p[2], p[3], p[4], p[5], p[6], p[7], true, out p[0], out p[1], out p[2], out p[3], out p[4], out p[5], out p[6], out p[7]);
        }
        for (int c = 0; c < 8; c++)
            Forward1D(d[c], d[8 + c], d[16 + c], d[24 + c], d[32 + c], d[40 + c], d[48 + c], d[56 + c], false,
                out d[c], out d[8 + c], out d[16 + c], out d[24 + c], out d[32 + c], out d[40 + c], out d[48 + c], out d[56 + c]);
    }

    /// <summary>
    /// One pass of the forward DCT over eight values: the row pass (<paramref name="rows"/>, first, keeping
    /// <see cref="Pass1Bits"/> extra bits) or the column pass (second, removing them).
    /// </summary>
    public static void Forward1D(long p0, long p1, long p2, long p3, long p4, long p5, long p6, long p7, bool rows,
        out int o0, out int o1, out int o2, out int o3, out int o4, out int o5, out int o6, out int o7)
    {
        long tmp0 = p0 + p7, tmp7 = p0 - p7, tmp1 = p1 + p6, tmp6 = p1 - p6;
        long tmp2 = p2 + p5, tmp5 = p2 - p5, tmp3 = p3 + p4, tmp4 = p3 - p4;
        long tmp10 = tmp0 + tmp3, tmp13 = tmp0 - tmp3, tmp11 = tmp1 + tmp2, tmp12 = tmp1 - tmp2;
        int bits = rows ? ConstBits - Pass1Bits : ConstBits + Pass1Bits;
        o0 = rows ? (int)((tmp10 + tmp11) << Pass1Bits) : Descale(tmp10 + tmp11, Pass1Bits);
        o4 = rows ? (int)((tmp10 - tmp11) << Pass1Bits) : Descale(tmp10 - tmp11, Pass1Bits);
        long z1 = (tmp12 + tmp13) * F0541;
        o2 = Descale(z1 + tmp13 * F0765, bits);
        o6 = Descale(z1 + tmp12 * -F1847, bits);
        // the odd part (LL&M figure 8)
        long y1 = tmp4 + tmp7, y2 = tmp5 + tmp6, y3 = tmp4 + tmp6, y4 = tmp5 + tmp7;
        long z5 = (y3 + y4) * F1175;
        tmp4 *= F0298; tmp5 *= F2053; tmp6 *= F3072; tmp7 *= F1501;
        y1 *= -F0899; y2 *= -F2562; y3 *= -F1961; y4 *= -F0390;
        y3 += z5; y4 += z5;
        o7 = Descale(tmp4 + y1 + y3, bits);
        o5 = Descale(tmp5 + y2 + y4, bits);
        o3 = Descale(tmp6 + y2 + y3, bits);
        o1 = Descale(tmp7 + y1 + y4, bits);
    }

    /// <summary>
    /// Dequantises (coefficient × table entry, natural order) and inverts one block into 8 × 8 samples, clamped as
    /// libjpeg's range-limit table does (values ±512 away wrap as they do there).
    /// </summary>
    public static void Inverse(ReadOnlySpan<short> coef, ReadOnlySpan<ushort> quant, Span<byte> output, int stride)
    {
        Span<int> ws = stackalloc int[64];
        for (int c = 0; c < 8; c++)
        {
            if (coef[8 + c] == 0 && coef[16 + c] == 0 && coef[24 + c] == 0 && coef[32 + c] == 0 && coef[40 + c] == 0 && coef[48 + c] == 0 && coef[56 + c] == 0)
            {
                int dc = InverseColumnDc(coef[c] * quant[c]);
                for (int r = 0; r < 8; r++) ws[r * 8 + c] = dc;
                continue;
            }
            Inverse1D(coef[c] * quant[c], coef[8 + c] * quant[8 + c], coef[16 + c] * quant[16 + c], coef[24 + c] * quant[24 + c],
                coef[32 + c] * quant[32 + c], coef[40 + c] * quant[40 + c], coef[48 + c] * quant[48 + c], coef[56 + c] * quant[56 + c],
                InverseColumnShift, out ws[c], out ws[8 + c], out ws[16 + c], out ws[24 + c], out ws[32 + c], out ws[40 + c], out ws[48 + c], out ws[56 + c]);
        }
        for (int r = 0; r < 8; r++)
        {
            var w = ws.Slice(r * 8, 8);
            var o = output.Slice(r * stride, 8);
            if (w[1] == 0 && w[2] == 0 && w[3] == 0 && w[4] == 0 && w[5] == 0 && w[6] == 0 && w[7] == 0)
            {
                o.Fill(InverseRowDc(w[0]));
                continue;
            }
            Inverse1D(w[0], w[1], w[2], w[3], w[4], w[5], w[6], w[7], InverseRowShift, out int v0, out int v1, out int v2, out int v3,
                out int v4, out int v5, out int v6, out int v7);
            o[0] = RangeLimit(v0); o[1] = RangeLimit(v1); o[2] = RangeLimit(v2); o[3] = RangeLimit(v3);
            o[4] = RangeLimit(v4); o[5] = RangeLimit(v5); o[6] = RangeLimit(v6); o[7] = RangeLimit(v7);
        }
    }

    /// <summary>A column whose AC terms are all zero: every workspace value is the dequantised DC with the pass's extra bits.</summary>
    public static int InverseColumnDc(int dequantisedDc) => dequantisedDc << Pass1Bits;

    /// <summary>A workspace row whose AC terms are all zero: every pixel is the descaled DC.</summary>
    public static byte InverseRowDc(int w0) => RangeLimit(Descale(w0, Pass1Bits + 3));

    /// <summary>
    /// One pass of the inverse DCT over eight dequantised (column pass) or workspace (row pass) values, descaled by
    /// <paramref name="shift"/>: <see cref="InverseColumnShift"/> or <see cref="InverseRowShift"/>.
    /// </summary>
    public static void Inverse1D(long w0, long w1, long w2, long w3, long w4, long w5, long w6, long w7, int shift,
        out int o0, out int o1, out int o2, out int o3, out int o4, out int o5, out int o6, out int o7)
    {
        long z1 = (w2 + w6) * F0541;
        long tmp2 = z1 + w6 * -F1847, tmp3 = z1 + w2 * F0765;
        long tmp0 = (w0 + w4) << ConstBits, tmp1 = (w0 - w4) << ConstBits;
        long tmp10 = tmp0 + tmp3, tmp13 = tmp0 - tmp3, tmp11 = tmp1 + tmp2, tmp12 = tmp1 - tmp2;
        // the odd part
        long y1 = w7 + w1, y2 = w5 + w3, y3 = w7 + w3, y4 = w5 + w1;
        long z5 = (y3 + y4) * F1175;
        long t0 = w7 * F0298, t1 = w5 * F2053, t2 = w3 * F3072, t3 = w1 * F1501;
        y1 *= -F0899; y2 *= -F2562; y3 *= -F1961; y4 *= -F0390;
        y3 += z5; y4 += z5;
        t0 += y1 + y3;
        t1 += y2 + y4;
        t2 += y2 + y3;
        t3 += y1 + y4;
        o0 = Descale(tmp10 + t3, shift);
        o7 = Descale(tmp10 - t3, shift);
        o1 = Descale(tmp11 + t2, shift);
        o6 = Descale(tmp11 - t2, shift);
        o2 = Descale(tmp12 + t1, shift);
        o5 = Descale(tmp12 - t1, shift);
        o3 = Descale(tmp13 + t0, shift);
        o4 = Descale(tmp13 - t0, shift);
    }

    /// <summary>libjpeg's post-IDCT range limit: x + 128 clamped for |x| &lt; 512, indexed by x mod 1024.</summary>
    public static byte RangeLimit(int x)
    {
        int i = x & 1023;
        return i < 128 ? (byte)(i + 128) : i < 512 ? (byte)255 : i < 896 ? (byte)0 : (byte)(i - 896);
    }

    /// <summary>libjpeg's rounding division of a ×8-scaled coefficient by 8·q (ties away from zero).</summary>
    public static short Quantize(int value, int q)
    {
        int divisor = q << 3;
        return value < 0 ? (short)-((-value + (divisor >> 1)) / divisor) : (short)((value + (divisor >> 1)) / divisor);
    }
}
