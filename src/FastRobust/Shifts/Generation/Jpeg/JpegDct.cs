namespace FastRobust.Shifts.Generation.Jpeg;

/// <summary>
/// The 8 × 8 DCTs of libjpeg's "islow" method (Loeffler, Ligtenberg &amp; Moschytz's factorisation in 13-bit fixed
/// point, 2 extra bits between the passes), the default of libjpeg and of Pillow, written from the algorithm so that
/// coefficients and pixels agree with libjpeg-turbo's to the bit. The forward output is scaled by 8.
/// </summary>
internal static class JpegDct
{
    private const int ConstBits = 13, Pass1Bits = 2;
    private const int F0298 = 2446, F0390 = 3196, F0541 = 4433, F0765 = 6270, F0899 = 7373, F1175 = 9633, F1501 = 12299,
        F1847 = 15137, F1961 = 16069, F2053 = 16819, F2562 = 20995, F3072 = 25172;

    private static int Descale(long x, int n) => (int)((x + (1L << (n - 1))) >> n);

    /// <summary>In place on samples already shifted by −128; results scaled by 8.</summary>
    public static void Forward(Span<int> d)
    {
        for (int r = 0; r < 8; r++)
        {
            var p = d.Slice(r * 8, 8);
            long tmp0 = p[0] + p[7], tmp7 = p[0] - p[7], tmp1 = p[1] + p[6], tmp6 = p[1] - p[6];
            long tmp2 = p[2] + p[5], tmp5 = p[2] - p[5], tmp3 = p[3] + p[4], tmp4 = p[3] - p[4];
            long tmp10 = tmp0 + tmp3, tmp13 = tmp0 - tmp3, tmp11 = tmp1 + tmp2, tmp12 = tmp1 - tmp2;
            p[0] = (int)((tmp10 + tmp11) << Pass1Bits);
            p[4] = (int)((tmp10 - tmp11) << Pass1Bits);
            long z1 = (tmp12 + tmp13) * F0541;
            p[2] = Descale(z1 + tmp13 * F0765, ConstBits - Pass1Bits);
            p[6] = Descale(z1 + tmp12 * -F1847, ConstBits - Pass1Bits);
            Odd(tmp4, tmp5, tmp6, tmp7, out long o7, out long o5, out long o3, out long o1);
            p[7] = Descale(o7, ConstBits - Pass1Bits);
            p[5] = Descale(o5, ConstBits - Pass1Bits);
            p[3] = Descale(o3, ConstBits - Pass1Bits);
            p[1] = Descale(o1, ConstBits - Pass1Bits);
        }
        for (int c = 0; c < 8; c++)
        {
            long tmp0 = d[c] + d[56 + c], tmp7 = d[c] - d[56 + c], tmp1 = d[8 + c] + d[48 + c], tmp6 = d[8 + c] - d[48 + c];
            long tmp2 = d[16 + c] + d[40 + c], tmp5 = d[16 + c] - d[40 + c], tmp3 = d[24 + c] + d[32 + c], tmp4 = d[24 + c] - d[32 + c];
            long tmp10 = tmp0 + tmp3, tmp13 = tmp0 - tmp3, tmp11 = tmp1 + tmp2, tmp12 = tmp1 - tmp2;
            d[c] = Descale(tmp10 + tmp11, Pass1Bits);
            d[32 + c] = Descale(tmp10 - tmp11, Pass1Bits);
            long z1 = (tmp12 + tmp13) * F0541;
            d[16 + c] = Descale(z1 + tmp13 * F0765, ConstBits + Pass1Bits);
            d[48 + c] = Descale(z1 + tmp12 * -F1847, ConstBits + Pass1Bits);
            Odd(tmp4, tmp5, tmp6, tmp7, out long o7, out long o5, out long o3, out long o1);
            d[56 + c] = Descale(o7, ConstBits + Pass1Bits);
            d[40 + c] = Descale(o5, ConstBits + Pass1Bits);
            d[24 + c] = Descale(o3, ConstBits + Pass1Bits);
            d[8 + c] = Descale(o1, ConstBits + Pass1Bits);
        }
    }

    /// <summary>The odd part of the forward transform (LL&amp;M figure 8).</summary>
    private static void Odd(long tmp4, long tmp5, long tmp6, long tmp7, out long o7, out long o5, out long o3, out long o1)
    {
        long z1 = tmp4 + tmp7, z2 = tmp5 + tmp6, z3 = tmp4 + tmp6, z4 = tmp5 + tmp7;
        long z5 = (z3 + z4) * F1175;
        tmp4 *= F0298; tmp5 *= F2053; tmp6 *= F3072; tmp7 *= F1501;
        z1 *= -F0899; z2 *= -F2562; z3 *= -F1961; z4 *= -F0390;
        z3 += z5; z4 += z5;
        o7 = tmp4 + z1 + z3;
        o5 = tmp5 + z2 + z4;
        o3 = tmp6 + z2 + z3;
        o1 = tmp7 + z1 + z4;
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
                int dc = coef[c] * quant[c] << Pass1Bits;
                for (int r = 0; r < 8; r++) ws[r * 8 + c] = dc;
                continue;
            }
            long z2 = coef[16 + c] * quant[16 + c], z3 = coef[48 + c] * quant[48 + c];
            long z1 = (z2 + z3) * F0541;
            long tmp2 = z1 + z3 * -F1847, tmp3 = z1 + z2 * F0765;
            z2 = coef[c] * quant[c];
            z3 = coef[32 + c] * quant[32 + c];
            long tmp0 = (z2 + z3) << ConstBits, tmp1 = (z2 - z3) << ConstBits;
            long tmp10 = tmp0 + tmp3, tmp13 = tmp0 - tmp3, tmp11 = tmp1 + tmp2, tmp12 = tmp1 - tmp2;
            InverseOdd(coef[56 + c] * quant[56 + c], coef[40 + c] * quant[40 + c], coef[24 + c] * quant[24 + c], coef[8 + c] * quant[8 + c],
                out long t0, out long t1, out long t2, out long t3);
            ws[c] = Descale(tmp10 + t3, ConstBits - Pass1Bits);
            ws[56 + c] = Descale(tmp10 - t3, ConstBits - Pass1Bits);
            ws[8 + c] = Descale(tmp11 + t2, ConstBits - Pass1Bits);
            ws[48 + c] = Descale(tmp11 - t2, ConstBits - Pass1Bits);
            ws[16 + c] = Descale(tmp12 + t1, ConstBits - Pass1Bits);
            ws[40 + c] = Descale(tmp12 - t1, ConstBits - Pass1Bits);
            ws[24 + c] = Descale(tmp13 + t0, ConstBits - Pass1Bits);
            ws[32 + c] = Descale(tmp13 - t0, ConstBits - Pass1Bits);
        }
        const int shift = ConstBits + Pass1Bits + 3;
        for (int r = 0; r < 8; r++)
        {
            var w = ws.Slice(r * 8, 8);
            var o = output.Slice(r * stride, 8);
            if (w[1] == 0 && w[2] == 0 && w[3] == 0 && w[4] == 0 && w[5] == 0 && w[6] == 0 && w[7] == 0)
            {
                byte v = RangeLimit(Descale(w[0], Pass1Bits + 3));
                o.Fill(v);
                continue;
            }
            long z2 = w[2], z3 = w[6];
            long z1 = (z2 + z3) * F0541;
            long tmp2 = z1 + z3 * -F1847, tmp3 = z1 + z2 * F0765;
            long tmp0 = ((long)w[0] + w[4]) << ConstBits, tmp1 = ((long)w[0] - w[4]) << ConstBits;
            long tmp10 = tmp0 + tmp3, tmp13 = tmp0 - tmp3, tmp11 = tmp1 + tmp2, tmp12 = tmp1 - tmp2;
            InverseOdd(w[7], w[5], w[3], w[1], out long t0, out long t1, out long t2, out long t3);
            o[0] = RangeLimit(Descale(tmp10 + t3, shift));
            o[7] = RangeLimit(Descale(tmp10 - t3, shift));
            o[1] = RangeLimit(Descale(tmp11 + t2, shift));
            o[6] = RangeLimit(Descale(tmp11 - t2, shift));
            o[2] = RangeLimit(Descale(tmp12 + t1, shift));
            o[5] = RangeLimit(Descale(tmp12 - t1, shift));
            o[3] = RangeLimit(Descale(tmp13 + t0, shift));
            o[4] = RangeLimit(Descale(tmp13 - t0, shift));
        }
    }

    private static void InverseOdd(long tmp0, long tmp1, long tmp2, long tmp3, out long t0, out long t1, out long t2, out long t3)
    {
        long z1 = tmp0 + tmp3, z2 = tmp1 + tmp2, z3 = tmp0 + tmp2, z4 = tmp1 + tmp3;
        long z5 = (z3 + z4) * F1175;
        tmp0 *= F0298; tmp1 *= F2053; tmp2 *= F3072; tmp3 *= F1501;
        z1 *= -F0899; z2 *= -F2562; z3 *= -F1961; z4 *= -F0390;
        z3 += z5; z4 += z5;
        t0 = tmp0 + z1 + z3;
        t1 = tmp1 + z2 + z4;
        t2 = tmp2 + z2 + z3;
        t3 = tmp3 + z1 + z4;
    }

    /// <summary>libjpeg's post-IDCT range limit: x + 128 clamped for |x| &lt; 512, indexed by x mod 1024.</summary>
    private static byte RangeLimit(int x)
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
