using System.Runtime.Intrinsics;
using FastRobust.Tensors;

namespace FastRobust.Backends.Cpu;

/// <summary>
/// Convolution by im2col + packed GEMM. Images are processed in groups so that each GEMM has at least
/// ~256 columns (deep layers with 2×2 maps would otherwise run 4-column GEMMs); groups are spread over the
/// cores and each core reuses its own column buffer.
/// </summary>
public sealed unsafe partial class CpuBackend
{
    private const int MinGemmColumns = 256;

    private static int GroupSize(in ConvGeometry g)
    {
        int plane = g.OH * g.OW;
        return Math.Clamp((MinGemmColumns + plane - 1) / plane, 1, g.N);
    }

    private static long InputOffset(in ConvGeometry g, int e, int n) =>
        (g.BroadcastInput ? n : (long)e * g.N + n) * g.InputImage;

    /// <summary>Packs each member's weights once per call (A of the forward GEMM, or Aᵀ for the data gradient).</summary>
    private FloatBuffer PackWeights(in ConvGeometry g, FloatBuffer w, bool transpose)
    {
        var geo = g;
        int m = transpose ? g.K : g.O, k = transpose ? g.O : g.K;
        long size = CpuGemm.PackedASize(m, k);
        var packed = Alloc(size * g.E);
        float* pw = P(w), pp = P(packed);
        CpuParallel.For(g.E, CpuParallel.Chunks(g.E, size, 1 << 16), (_, s, e) =>
        {
            for (long member = s; member < e; member++)
                CpuGemm.PackAFull(transpose, m, k, pw + member * geo.WeightMember, geo.K, pp + member * size);
        });
        return packed;
    }

    public override void Conv2dForward(in ConvGeometry g, FloatBuffer x, FloatBuffer w, FloatBuffer? bias, FloatBuffer y)
    {
        var geo = g;
        float* px = P(x), pb = P(bias, true), py = P(y);
        var packedW = PackWeights(g, w, transpose: false);
        float* pw = P(packedW);
        long wSize = CpuGemm.PackedASize(g.O, g.K);
        int gs = GroupSize(g), groups = (g.N + gs - 1) / gs, plane = g.OH * g.OW;
        long items = (long)g.E * groups;
        int chunks = CpuParallel.Chunks(items, (long)g.O * g.K * gs * plane, 1 << 18);
        CpuParallel.For(items, chunks, (_, s, e) =>
        {
            for (long it = s; it < e; it++)
            {
                int member = (int)(it / groups), n0 = (int)(it % groups) * gs, cnt = Math.Min(gs, geo.N - n0);
                int cols = cnt * plane;
                float* outImg = py + ((long)member * geo.N + n0) * geo.OutputImage;
                float* packedCols = CpuScratch.Get(0, CpuGemm.PackedBSize(geo.K, cols));
                for (int i = 0; i < cnt; i++)
                    Im2ColPacked(geo, px + InputOffset(geo, member, n0 + i), packedCols, cols, i * plane);
                float* target = cnt == 1 ? outImg : CpuScratch.Get(1, (long)geo.O * cols);
                CpuGemm.SgemmPrepacked(geo.O, cols, geo.K, 1f, pw + member * wSize, packedCols, 0f, target, cols);
                if (cnt > 1) CopyOutputs(geo, outImg, target, cnt, plane, toMatrix: false);
                if (pb != null)
                {
                    float* bm = pb + (long)member * geo.O;
                    for (int i = 0; i < cnt; i++)
                        for (int o = 0; o < geo.O; o++)
                            AddScalar(outImg + i * geo.OutputImage + (long)o * plane, plane, bm[o]);
                }
            }
        });
        packedW.Release();
    }

    public override void Conv2dBackwardData(in ConvGeometry g, FloatBuffer dy, FloatBuffer w, FloatBuffer dx)
    {
        var geo = g;
        float* pdy = P(dy), pdx = P(dx);
        var packedWT = PackWeights(g, w, transpose: true);
        float* pw = P(packedWT);
        long wSize = CpuGemm.PackedASize(g.K, g.O);
        int gs = GroupSize(g), groups = (g.N + gs - 1) / gs, plane = g.OH * g.OW;
        int chunks = CpuParallel.Chunks(groups, (long)g.E * g.O * g.K * gs * plane, 1 << 18);
        CpuParallel.For(groups, chunks, (_, s, e) =>
        {
            for (long grp = s; grp < e; grp++)
            {
                int n0 = (int)grp * gs, cnt = Math.Min(gs, geo.N - n0), cols = cnt * plane;
                float* dcol = CpuScratch.Get(0, (long)geo.K * cols);
                float* packedDy = CpuScratch.Get(2, CpuGemm.PackedBSize(geo.O, cols));
                for (int member = 0; member < geo.E; member++)
                {
                    float* dyImg = pdy + ((long)member * geo.N + n0) * geo.OutputImage;
                    float* bsrc = cnt == 1 ? dyImg : CpuScratch.Get(1, (long)geo.O * cols);
                    if (cnt > 1) CopyOutputs(geo, dyImg, bsrc, cnt, plane, toMatrix: true);
                    CpuGemm.PackBFull(false, geo.O, cols, bsrc, cols, packedDy);
                    CpuGemm.SgemmPrepacked(geo.K, cols, geo.O, 1f, pw + member * wSize, packedDy, 0f, dcol, cols);
                    bool accumulate = geo.BroadcastInput && member > 0;
                    for (int i = 0; i < cnt; i++)
                    {
                        float* dxImg = pdx + InputOffset(geo, member, n0 + i);
                        if (!accumulate) new Span<float>(dxImg, (int)geo.InputImage).Clear();
                        Col2Im(geo, dcol, cols, i * plane, dxImg);
                    }
                }
            }
        });
        packedWT.Release();
    }

    public override void Conv2dBackwardWeight(in ConvGeometry g, FloatBuffer x, FloatBuffer dy, FloatBuffer dw, FloatBuffer? dbias)
    {
        var geo = g;
        float* px = P(x), pdy = P(dy);
        int gs = GroupSize(g), groups = (g.N + gs - 1) / gs, plane = g.OH * g.OW;
        long items = (long)g.E * groups;
        int chunks = CpuParallel.Chunks(items, (long)g.O * g.K * gs * plane, 1 << 18);
        long wSize = g.E * g.WeightMember, bSize = (long)g.E * g.O;
        // one partial gradient per chunk, summed in chunk order afterwards (deterministic)
        var partW = new FloatBuffer[chunks];
        var partB = new FloatBuffer?[chunks];
        partW[0] = dw;
        partB[0] = dbias;
        for (int c = 1; c < chunks; c++)
        {
            partW[c] = Alloc(wSize);
            partB[c] = dbias is null ? null : Alloc(bSize);
        }
        var pws = new nint[chunks];
        var pbs = new nint[chunks];
        for (int c = 0; c < chunks; c++)
        {
            pws[c] = (nint)P(partW[c]);
            pbs[c] = (nint)P(partB[c], true);
            new Span<float>((void*)pws[c], (int)wSize).Clear();
            if (pbs[c] != 0) new Span<float>((void*)pbs[c], (int)bSize).Clear();
        }
        CpuParallel.For(items, chunks, (chunk, s, e) =>
        {
            float* myW = (float*)pws[chunk], myB = (float*)pbs[chunk];
            for (long it = s; it < e; it++)
            {
                int member = (int)(it / groups), n0 = (int)(it % groups) * gs, cnt = Math.Min(gs, geo.N - n0);
                int cols = cnt * plane;
                float* dyImg = pdy + ((long)member * geo.N + n0) * geo.OutputImage;
                float* a = cnt == 1 ? dyImg : CpuScratch.Get(1, (long)geo.O * cols);
                if (cnt > 1) CopyOutputs(geo, dyImg, a, cnt, plane, toMatrix: true);
                // dW[O, K] += dY[O, cols] · colsᵀ[cols, K]
                float* packedDy = CpuScratch.Get(2, CpuGemm.PackedASize(geo.O, cols));
                CpuGemm.PackAFull(false, geo.O, cols, a, cols, packedDy);
                float* colMatrix = CpuScratch.Get(0, (long)geo.K * cols);
                for (int i = 0; i < cnt; i++) Im2Col(geo, px + InputOffset(geo, member, n0 + i), colMatrix, cols, i * plane);
                float* packedCols = CpuScratch.Get(3, CpuGemm.PackedBSize(cols, geo.K));
                CpuGemm.PackBFull(true, cols, geo.K, colMatrix, cols, packedCols);
                CpuGemm.SgemmPrepacked(geo.O, geo.K, cols, 1f, packedDy, packedCols, 1f, myW + member * geo.WeightMember, geo.K);
                if (myB != null)
                {
                    float* bm = myB + (long)member * geo.O;
                    for (int o = 0; o < geo.O; o++) bm[o] += SumRow(a + (long)o * cols, cols);
                }
            }
        });
        for (int c = 1; c < chunks; c++)
        {
            AddInto(P(dw), (float*)pws[c], wSize);
            if (dbias != null) AddInto(P(dbias), (float*)pbs[c], bSize);
            partW[c].Release();
            partB[c]?.Release();
        }
    }

    /// <summary>
    /// Writes the patches of one image, as columns [colOffset, colOffset + OH·OW) of the im2col matrix [K, cols],
    /// straight into the GEMM's packed-B layout. The image is first copied into a zero-padded plane, so a run of
    /// output pixels inside one output row reads one plain run of a padded row: no bounds checks, no zero fills.
    /// Runs are visited in packed order (panel by panel, row K by row K), so the stores are sequential and the
    /// reads, from the small L2-resident padded image, jump instead.
    /// </summary>
    private static void Im2ColPacked(in ConvGeometry g, float* img, float* dst, int cols, int colOffset)
    {
        int nr = CpuGemm.NR, kc = CpuGemm.KC, ow = g.OW, plane = g.OH * g.OW, taps = g.KH * g.KW;
        int nPad = CpuGemm.RoundUp(cols, nr);
        int ph = g.H + 2 * g.PadH, pw = g.W + 2 * g.PadW, sw = g.StrideW;
        float* padded = CpuScratch.Get(5, (long)g.C * ph * pw);
        PadImage(g, img, padded);
        for (int pix = 0; pix < plane;)
        {
            int y = pix / ow, x = pix % ow, j = colOffset + pix;
            int len = Math.Min(nr - j % nr, ow - x);
            long panelOffset = (long)(j / nr) * nr + j % nr;
            float* rowStart = padded + (long)y * g.StrideH * pw + (long)x * sw;
            for (int pc = 0; pc < g.K; pc += kc)
            {
                int kcHere = Math.Min(kc, g.K - pc);
                float* d = dst + (long)pc * nPad + (panelOffset / nr) * kcHere * nr + panelOffset % nr;
                for (int kidx = pc; kidx < pc + kcHere; kidx++, d += nr)
                {
                    int c = kidx / taps, r = kidx - c * taps, ki = r / g.KW, kj = r - ki * g.KW;
                    float* src = rowStart + ((long)c * ph + ki) * pw + kj;
                    if (sw == 1) CpuCopy.Small(src, d, len);
                    else for (int t = 0; t < len; t++) d[t] = src[t * sw];
                }
            }
            pix += len;
        }
    }

    /// <summary>Copies C planes of H×W into (H + 2·padH)×(W + 2·padW) planes with a zero border.</summary>
    private static void PadImage(in ConvGeometry g, float* img, float* padded)
    {
        int ph = g.H + 2 * g.PadH, pw = g.W + 2 * g.PadW;
        if (g.PadH == 0 && g.PadW == 0)
        {
            Buffer.MemoryCopy(img, padded, g.InputImage * 4, g.InputImage * 4);
            return;
        }
        for (int c = 0; c < g.C; c++)
        {
            float* dstPlane = padded + (long)c * ph * pw;
            new Span<float>(dstPlane, g.PadH * pw).Clear();
            new Span<float>(dstPlane + (long)(g.PadH + g.H) * pw, g.PadH * pw).Clear();
            for (int i = 0; i < g.H; i++)
            {
                float* row = dstPlane + (long)(g.PadH + i) * pw;
                for (int k = 0; k < g.PadW; k++) { row[k] = 0f; row[g.PadW + g.W + k] = 0f; }
                CpuCopy.Small(img + ((long)c * g.H + i) * g.W, row + g.PadW, g.W);
            }
        }
    }

    /// <summary>Writes the patches of one image into columns [colOffset, colOffset + OH·OW) of col [K, ld].</summary>
    private static void Im2Col(in ConvGeometry g, float* img, float* col, int ld, int colOffset)
    {
        for (int c = 0; c < g.C; c++)
        for (int ki = 0; ki < g.KH; ki++)
        for (int kj = 0; kj < g.KW; kj++)
            Im2ColRow(g, img + (long)c * g.H * g.W, ki, kj, col + (long)((c * g.KH + ki) * g.KW + kj) * ld + colOffset);
    }

    /// <summary>The OH·OW values of patch position (ki, kj) over one input channel plane (zeros in the padding).</summary>
    private static void Im2ColRow(in ConvGeometry g, float* plane, int ki, int kj, float* dst)
    {
        int oh = g.OH, ow = g.OW;
        // output columns whose input column is inside the image: ow*s - p + kj in [0, W)
        int owLo = Math.Max(0, (g.PadW - kj + g.StrideW - 1) / g.StrideW);
        int lastIn = g.W - 1 + g.PadW - kj;
        int owHi = lastIn < 0 ? 0 : Math.Min(ow, lastIn / g.StrideW + 1);
        if (owHi < owLo) owHi = owLo;
        for (int y = 0; y < oh; y++, dst += ow)
        {
            int ih = y * g.StrideH - g.PadH + ki;
            if (ih < 0 || ih >= g.H)
            {
                new Span<float>(dst, ow).Clear();
                continue;
            }
            float* src = plane + (long)ih * g.W;
            for (int xo = 0; xo < owLo; xo++) dst[xo] = 0f;
            if (g.StrideW == 1)
            {
                CpuCopy.Small(src + owLo - g.PadW + kj, dst + owLo, owHi - owLo);
            }
            else
                for (int xo = owLo; xo < owHi; xo++) dst[xo] = src[xo * g.StrideW - g.PadW + kj];
            for (int xo = owHi; xo < ow; xo++) dst[xo] = 0f;
        }
    }

    /// <summary>Adds the patch gradients in columns [colOffset, colOffset + OH·OW) of dcol back onto one image.</summary>
    private static void Col2Im(in ConvGeometry g, float* dcol, int ld, int colOffset, float* img)
    {
        int oh = g.OH, ow = g.OW;
        for (int c = 0; c < g.C; c++)
        for (int ki = 0; ki < g.KH; ki++)
        for (int kj = 0; kj < g.KW; kj++)
        {
            float* row = dcol + (long)((c * g.KH + ki) * g.KW + kj) * ld + colOffset;
            float* plane = img + (long)c * g.H * g.W;
            int owLo = Math.Max(0, (g.PadW - kj + g.StrideW - 1) / g.StrideW);
            int lastIn = g.W - 1 + g.PadW - kj;
            int owHi = lastIn < 0 ? 0 : Math.Min(ow, lastIn / g.StrideW + 1);
            for (int y = 0; y < oh; y++)
            {
                int ih = y * g.StrideH - g.PadH + ki;
                if (ih < 0 || ih >= g.H) continue;
                float* src = row + y * ow;
                float* dst = plane + (long)ih * g.W;
                if (g.StrideW == 1)
                {
                    int off = -g.PadW + kj;
                    int xo = owLo;
                    for (; xo + 8 <= owHi; xo += 8)
                        Vector256.Store(Vector256.Load(dst + xo + off) + Vector256.Load(src + xo), dst + xo + off);
                    for (; xo < owHi; xo++) dst[xo + off] += src[xo];
                }
                else
                    for (int xo = owLo; xo < owHi; xo++) dst[xo * g.StrideW - g.PadW + kj] += src[xo];
            }
        }
    }

    /// <summary>
    /// Copies between cnt consecutive images' outputs ([O, plane] each, OutputImage apart) and one [O, cnt·plane]
    /// matrix, the layout one GEMM reads or writes for the group; <paramref name="toMatrix"/> picks the direction.
    /// </summary>
    private static void CopyOutputs(in ConvGeometry g, float* images, float* matrix, int cnt, int plane, bool toMatrix)
    {
        long cols = (long)cnt * plane, bytes = plane * 4L;
        for (int i = 0; i < cnt; i++)
            for (int o = 0; o < g.O; o++)
            {
                float* image = images + i * g.OutputImage + (long)o * plane, row = matrix + o * cols + (long)i * plane;
                if (toMatrix) Buffer.MemoryCopy(image, row, bytes, bytes);
                else Buffer.MemoryCopy(row, image, bytes, bytes);
            }
    }

    private static void AddScalar(float* p, int n, float v)
    {
        var vv = Vector256.Create(v);
        int i = 0;
        for (; i + 8 <= n; i += 8) Vector256.Store(Vector256.Load(p + i) + vv, p + i);
        for (; i < n; i++) p[i] += v;
    }

    private static float SumRow(float* p, int n)
    {
        var acc = Vector256<float>.Zero;
        int i = 0;
        for (; i + 8 <= n; i += 8) acc += Vector256.Load(p + i);
        float s = Vector256.Sum(acc);
        for (; i < n; i++) s += p[i];
        return s;
    }

    private static void AddInto(float* dst, float* src, long n)
    {
        long i = 0;
        for (; i + 8 <= n; i += 8) Vector256.Store(Vector256.Load(dst + i) + Vector256.Load(src + i), dst + i);
        for (; i < n; i++) dst[i] += src[i];
    }
}
