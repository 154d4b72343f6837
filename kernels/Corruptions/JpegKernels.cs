using FastRobust.Shifts.Generation.Jpeg;
using ILGPU;

namespace FastRobust.Kernels;

/// <summary>
/// JPEG compression (src/FastRobust/Shifts/Generation/DigitalCorruptions.cs JpegCompression, codec in src/FastRobust/Shifts/Generation/Jpeg/)
/// as a JPEG round trip without the Huffman stage: entropy coding is lossless, so the decoded pixels are a function of
/// colour conversion, chroma downsampling, forward DCT, quantisation, dequantisation, inverse DCT, upsampling and the
/// colour conversion back only (JpegCodec.RoundTrip skips it on the host too). All of it is integer arithmetic written
/// as the host writes it, and the DCTs, quantisation and range limit are JpegDct's own methods, so the bytes are the
/// host's exactly.
/// Two launches over the whole batch: <see cref="Blocks"/>, one thread per 8 × 8 block of every component of every
/// image (samples → DCT → quantise → dequantise → IDCT into a reconstructed plane), then <see cref="Pixels"/>, one
/// thread per pixel (fancy upsampling of the chroma and YCbCr → RGB). Colour images are 3 components with 4:2:0 chroma
/// (16 × 16 MCUs: 4 luma blocks and one block of each chroma per MCU); grey images one component in 8 × 8 MCUs.
/// </summary>
[HostBytes]
public static class JpegKernels
{
    // libjpeg's FIX(x) = (int)(x·65536 + 0.5): JpegColor's tables hold these times their index (plus fixed offsets);
    // the tables are linear in the index, so the kernels compute an entry instead of reading a static array.
    private const int FixRY = 19595, FixGY = 38470, FixBY = 7471, FixRCb = 11059, FixGCb = 21709, FixHalf = 32768,
        FixGCr = 27439, FixBCr = 5329, FixCrR = 91881, FixCbB = 116130, FixCrG = 46802, FixCbG = 22554;
    private const int ScaleBits = 16, OneHalf = 1 << 15;

    /// <summary>
    /// One thread per 8 × 8 block. Per image the blocks are numbered component after component, each component's
    /// row-major over its MCU-padded grid (colour: 2mx × 2my luma, then mx × my Cb, then mx × my Cr; grey: mx × my),
    /// and <paramref name="recon"/> holds the reconstructed planes in that order (64 bytes per block). Samples past the
    /// image repeat its last column and row (the encoder's edge expansion), before chroma averaging as on the host.
    /// <paramref name="work"/>: 64 ints per block, value i of block k at i · total + k (coalesced across threads).
    /// <paramref name="quant"/>: the luma table then the chroma table, natural order.
    /// </summary>
    [Kernel]
    public static void Blocks(ArrayView<byte> src, ArrayView<byte> recon, ArrayView<int> work, ArrayView<int> quant,
        int total, int channels, int h, int w, int mx, int my)
    {
        int mcus = mx * my;
        int perImage = channels == 3 ? 6 * mcus : mcus;
        int plane = h * w;
        for (int blk = Stride.Start; blk < total; blk += Stride.Step)
        {
            int img = blk / perImage, k = blk - img * perImage;
            int comp = 0, index = k, across = channels == 3 ? 2 * mx : mx, compOffset = 0;
            if (channels == 3 && k >= 4 * mcus)
            {
                comp = 1 + (k - 4 * mcus) / mcus;
                index = (k - 4 * mcus) % mcus;
                across = mx;
                compOffset = (4 + comp - 1) * mcus * 64;
            }
            int ox = index % across * 8, oy = index / across * 8, pw = across * 8;
            long srcBase = (long)img * channels * plane;

            // samples − 128
            for (int i = 0; i < 64; i++)
            {
                int x = ox + (i & 7), y = oy + (i >> 3), v;
                if (channels == 1) v = src[srcBase + Clamp(y, h) * w + Clamp(x, w)];
                else if (comp == 0) v = Ycc(src, srcBase, plane, w, h, x, y, 0);
                else
                {
                    // h2v2_downsample: the 2 × 2 average with a bias alternating 1, 2 along the row (1 at even x)
                    int s = Ycc(src, srcBase, plane, w, h, 2 * x, 2 * y, comp) + Ycc(src, srcBase, plane, w, h, 2 * x + 1, 2 * y, comp)
                        + Ycc(src, srcBase, plane, w, h, 2 * x, 2 * y + 1, comp) + Ycc(src, srcBase, plane, w, h, 2 * x + 1, 2 * y + 1, comp);
                    v = (s + ((x & 1) == 0 ? 1 : 2)) >> 2;
                }
                work[(long)i * total + blk] = v - 128;
            }

            Forward(work, blk, total);
            int table = comp == 0 ? 0 : 64;
            for (int i = 0; i < 64; i++)
            {
                long at = (long)i * total + blk;
                work[at] = JpegDct.Quantize(work[at], quant[table + i]);
            }
            Inverse(work, blk, total, quant, table, recon, (long)img * perImage * 64 + compOffset + (long)oy * pw + ox, pw);
        }
    }

    /// <summary>
    /// One thread per pixel: luma from its reconstructed plane, chroma by libjpeg's h2v2 fancy upsampling (weights
    /// 9, 3, 3, 1 / 16 with the host's alternating 8, 7 rounding, edges repeating the component's real samples), then
    /// fixed-point YCbCr → RGB; grey: the reconstructed plane's value.
    /// </summary>
    [Kernel]
    public static void Pixels(ArrayView<byte> recon, ArrayView<byte> dst, int total, int channels, int h, int w, int mx, int my)
    {
        int mcus = mx * my, plane = h * w;
        int perImage = (channels == 3 ? 6 * mcus : mcus) * 64;
        int pw = (channels == 3 ? 16 : 8) * mx; // the luma plane's stored row length
        int cpw = 8 * mx, cw = (w + 1) / 2, ch = (h + 1) / 2; // chroma: stored row length, real sample counts
        for (int p = Stride.Start; p < total; p += Stride.Step)
        {
            int img = p / plane, i = p - img * plane, y = i / w, x = i - y * w;
            long b = (long)img * perImage;
            int yy = recon[b + (long)y * pw + x];
            if (channels == 1)
            {
                dst[p] = (byte)yy;
                continue;
            }
            long cbBase = b + 4L * mcus * 64, crBase = cbBase + (long)mcus * 64;
            int cb = Upsample(recon, cbBase, cpw, cw, ch, x, y), cr = Upsample(recon, crBase, cpw, cw, ch, x, y);
            long o = (long)img * 3 * plane + i;
            dst[o] = ClampByte(yy + ((FixCrR * (cr - 128) + OneHalf) >> ScaleBits));
            dst[o + plane] = ClampByte(yy + ((-FixCbG * (cb - 128) + OneHalf + -FixCrG * (cr - 128)) >> ScaleBits));
            dst[o + 2 * plane] = ClampByte(yy + ((FixCbB * (cb - 128) + OneHalf) >> ScaleBits));
        }
    }

    private static int Clamp(int v, int n) => v < n - 1 ? v : n - 1;

    private static byte ClampByte(int v) => v < 0 ? (byte)0 : v > 255 ? (byte)255 : (byte)v;

    /// <summary>Component <paramref name="comp"/> (0 Y, 1 Cb, 2 Cr) of the edge-replicated pixel (x, y): JpegColor.RgbToYcc.</summary>
    private static int Ycc(ArrayView<byte> src, long srcBase, int plane, int w, int h, int x, int y, int comp)
    {
        long s = srcBase + Clamp(y, h) * w + Clamp(x, w);
        int r = src[s], g = src[s + plane], b = src[s + 2 * plane];
        int v = comp == 0 ? FixRY * r + FixGY * g + (FixBY * b + OneHalf)
            : comp == 1 ? -FixRCb * r + -FixGCb * g + (FixHalf * b + (128 << ScaleBits) + OneHalf - 1)
            : (FixHalf * r + (128 << ScaleBits) + OneHalf - 1) + -FixGCr * g + -FixBCr * b;
        return (byte)(v >> ScaleBits);
    }

    /// <summary>Output sample (x, y) of JpegColor.UpsampleH2V2 over a cw × ch component stored with row length stride.</summary>
    private static int Upsample(ArrayView<byte> recon, long b, int stride, int cw, int ch, int x, int y)
    {
        int yy = y >> 1, xx = x >> 1;
        int other = (y & 1) == 0 ? (yy > 0 ? yy - 1 : 0) : (yy + 1 < ch ? yy + 1 : ch - 1);
        long near = b + (long)yy * stride, far = b + (long)other * stride;
        int thisSum = recon[near + xx] * 3 + recon[far + xx];
        if ((x & 1) == 0)
        {
            if (xx == 0) return (thisSum * 4 + 8) >> 4;
            int lastSum = recon[near + xx - 1] * 3 + recon[far + xx - 1];
            return (thisSum * 3 + lastSum + 8) >> 4;
        }
        if (xx == cw - 1) return (thisSum * 4 + 7) >> 4;
        int nextSum = recon[near + xx + 1] * 3 + recon[far + xx + 1];
        return (thisSum * 3 + nextSum + 7) >> 4;
    }

    /// <summary>JpegDct.Forward on block k of work (value i at i · total + k), in place; results scaled by 8.</summary>
    private static void Forward(ArrayView<int> d, int k, int total)
    {
        for (int pass = 0; pass < 2; pass++)
            for (int r = 0; r < 8; r++)
            {
                // pass 0: row r (values r·8 + j); pass 1: column r (values j·8 + r)
                long b = pass == 0 ? (long)r * 8 * total + k : (long)r * total + k;
                long s = pass == 0 ? total : 8L * total;
                JpegDct.Forward1D(d[b], d[b + s], d[b + 2 * s], d[b + 3 * s], d[b + 4 * s], d[b + 5 * s], d[b + 6 * s], d[b + 7 * s], pass == 0,
                    out int o0, out int o1, out int o2, out int o3, out int o4, out int o5, out int o6, out int o7);
                d[b] = o0; d[b + s] = o1; d[b + 2 * s] = o2; d[b + 3 * s] = o3;
                d[b + 4 * s] = o4; d[b + 5 * s] = o5; d[b + 6 * s] = o6; d[b + 7 * s] = o7;
            }
    }

    /// <summary>
    /// JpegDct.Inverse: dequantise and invert block k of work (quantised coefficients, natural order) into 8 × 8 bytes
    /// at out + r · stride + c. The column pass works in place (each column is read whole before it is written).
    /// </summary>
    private static void Inverse(ArrayView<int> d, int k, int total, ArrayView<int> quant, int table, ArrayView<byte> o, long out0, int stride)
    {
        for (int c = 0; c < 8; c++)
        {
            long b = (long)c * total + k, s = 8L * total;
            int c0 = d[b], c1 = d[b + s], c2 = d[b + 2 * s], c3 = d[b + 3 * s], c4 = d[b + 4 * s], c5 = d[b + 5 * s], c6 = d[b + 6 * s], c7 = d[b + 7 * s];
            if (c1 == 0 && c2 == 0 && c3 == 0 && c4 == 0 && c5 == 0 && c6 == 0 && c7 == 0)
            {
                int dc = JpegDct.InverseColumnDc(c0 * quant[table + c]);
                for (int r = 0; r < 8; r++) d[b + r * s] = dc;
                continue;
            }
            JpegDct.Inverse1D(c0 * quant[table + c], c1 * quant[table + 8 + c], c2 * quant[table + 16 + c], c3 * quant[table + 24 + c],
                c4 * quant[table + 32 + c], c5 * quant[table + 40 + c], c6 * quant[table + 48 + c], c7 * quant[table + 56 + c],
                JpegDct.InverseColumnShift, out int o0, out int o1, out int o2, out int o3, out int o4, out int o5, out int o6, out int o7);
            d[b] = o0; d[b + s] = o1; d[b + 2 * s] = o2; d[b + 3 * s] = o3;
            d[b + 4 * s] = o4; d[b + 5 * s] = o5; d[b + 6 * s] = o6; d[b + 7 * s] = o7;
        }
        for (int r = 0; r < 8; r++)
        {
            long b = (long)r * 8 * total + k, s = total;
            int w0 = d[b], w1 = d[b + s], w2 = d[b + 2 * s], w3 = d[b + 3 * s], w4 = d[b + 4 * s], w5 = d[b + 5 * s], w6 = d[b + 6 * s], w7 = d[b + 7 * s];
            long ob = out0 + (long)r * stride;
            if (w1 == 0 && w2 == 0 && w3 == 0 && w4 == 0 && w5 == 0 && w6 == 0 && w7 == 0)
            {
                byte v = JpegDct.InverseRowDc(w0);
                for (int c = 0; c < 8; c++) o[ob + c] = v;
                continue;
            }
            JpegDct.Inverse1D(w0, w1, w2, w3, w4, w5, w6, w7, JpegDct.InverseRowShift,
                out int v0, out int v1, out int v2, out int v3, out int v4, out int v5, out int v6, out int v7);
            o[ob] = JpegDct.RangeLimit(v0); o[ob + 1] = JpegDct.RangeLimit(v1); o[ob + 2] = JpegDct.RangeLimit(v2); o[ob + 3] = JpegDct.RangeLimit(v3);
            o[ob + 4] = JpegDct.RangeLimit(v4); o[ob + 5] = JpegDct.RangeLimit(v5); o[ob + 6] = JpegDct.RangeLimit(v6); o[ob + 7] = JpegDct.RangeLimit(v7);
        }
    }
}
