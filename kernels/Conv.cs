using ILGPU;

namespace FastRobust.Kernels;

/// <summary>
/// One 2-D convolution over the ensemble (ConvGeometry as a kernel argument). Broadcast = 1: every member reads the
/// same input [N, C, H, W]. Splits/SplitLen: the split-K partition of the weight gradient's reduction.
/// </summary>
public struct ConvShape
{
    public int E, N, C, H, W, O, KH, KW, StrideH, StrideW, PadH, PadW, OH, OW, Broadcast, Splits, SplitLen;
}

/// <summary>
/// Convolution as implicit GEMM on the tile loop of <see cref="TileCore"/>: the im2col matrix is never written;
/// each K slice of it is gathered straight into shared memory. All three kernels write each output element
/// exactly once (no atomics, no zero fill), so results do not depend on scheduling.
/// <list type="bullet">
/// <item>Forward: Y_e[O, N·OH·OW] = W_e[O, K]·X̂_e[K, N·OH·OW], K = C·KH·KW; grid (cols, O, E); bias in the epilogue.</item>
/// <item>Backward data: dX[C, N·H·W] = Σ over (member, o, ki, kj) of W·dY, gathered per input pixel (the transposed
/// convolution); with a broadcast input the members are part of the reduction, so dX sums over them.</item>
/// <item>Backward weight: dW_e[O, K] = dY_e[O, J]·X̂_eᵀ[J, K] with J = N·OH·OW split into slices (grid Z = E·splits)
/// whose partial products are summed in a fixed order by <see cref="SumSplits"/>.</item>
/// </list>
/// </summary>
public static class Conv
{
    private const int BM = TileCore.BM, BN = TileCore.BN, BK = TileCore.BK, Threads = TileCore.Threads;

    private static long InputBase(in ConvShape s, int member, int n) =>
        (s.Broadcast != 0 ? n : (long)member * s.N + n) * s.C * s.H * s.W;

    // ---- forward ----

    private static void LoadWeights(ArrayView<float> w, ArrayView<float> As, in ConvShape s, long wBase, int m0, int k0, int kTotal, int idx)
    {
        int m = idx >> 4, k = idx & (BK - 1);
        int o = m0 + m, gk = k0 + k;
        As[k * BM + m] = o < s.O && gk < kTotal ? w[wBase + (long)o * kTotal + gk] : 0f;
    }

    /// <summary>One element of the patch matrix: row k = (c, ki, kj) of the column whose top-left input is (ihBase, iwBase).</summary>
    private static float Patch(ArrayView<float> x, in ConvShape s, long xBase, int ihBase, int iwBase, int k, int kTotal, bool colOk)
    {
        if (!colOk || k >= kTotal) return 0f;
        int khw = s.KH * s.KW;
        int c = k / khw, r = k - c * khw;
        int ki = r / s.KW, kj = r - ki * s.KW;
        int ih = ihBase + ki, iw = iwBase + kj;
        if (ih < 0 || ih >= s.H || iw < 0 || iw >= s.W) return 0f;
        return x[xBase + ((long)c * s.H + ih) * s.W + iw];
    }

    [Kernel]
    public static void Forward(ArrayView<float> x, ArrayView<float> w, ArrayView<float> bias, ArrayView<float> y, ConvShape s, int hasBias)
    {
        var As = SharedMemory.Allocate<float>(BK * BM);
        var Bs = SharedMemory.Allocate<float>(BK * BN);
        int t = Group.IdxX, tx = t & 15, ty = t >> 4;
        int n0 = Grid.IdxX * BN, m0 = Grid.IdxY * BM, member = Grid.IdxZ;
        int plane = s.OH * s.OW, cols = s.N * plane, kTotal = s.C * s.KH * s.KW;
        long wBase = (long)member * s.O * kTotal;
        // the column this thread stages is the same in every K slice: decode it once
        int jj = t & (BN - 1), kr = t >> 6;
        int j = n0 + jj;
        bool colOk = j < cols;
        int img = colOk ? j / plane : 0, p = j - img * plane;
        int oh = p / s.OW, ow = p - oh * s.OW;
        int ihBase = oh * s.StrideH - s.PadH, iwBase = ow * s.StrideW - s.PadW;
        long xBase = InputBase(s, member, img);
        var acc = new Tile4x4();
        for (int k0 = 0; k0 < kTotal; k0 += BK)
        {
            LoadWeights(w, As, s, wBase, m0, k0, kTotal, t);
            LoadWeights(w, As, s, wBase, m0, k0, kTotal, t + Threads);
            LoadWeights(w, As, s, wBase, m0, k0, kTotal, t + 2 * Threads);
            LoadWeights(w, As, s, wBase, m0, k0, kTotal, t + 3 * Threads);
            Bs[kr * BN + jj] = Patch(x, s, xBase, ihBase, iwBase, k0 + kr, kTotal, colOk);
            Bs[(kr + 4) * BN + jj] = Patch(x, s, xBase, ihBase, iwBase, k0 + kr + 4, kTotal, colOk);
            Bs[(kr + 8) * BN + jj] = Patch(x, s, xBase, ihBase, iwBase, k0 + kr + 8, kTotal, colOk);
            Bs[(kr + 12) * BN + jj] = Patch(x, s, xBase, ihBase, iwBase, k0 + kr + 12, kTotal, colOk);
            Group.Barrier();
            acc = TileCore.MultiplySlice(acc, As, Bs, ty, tx);
            Group.Barrier();
        }
        for (int idx = 0; idx < 16; idx++)
        {
            int o = m0 + ty + 16 * (idx >> 2), col = n0 + tx + 16 * (idx & 3);
            if (o >= s.O || col >= cols) continue;
            int n = col / plane, q = col - n * plane;
            float v = Tile4x4.At(acc, idx);
            if (hasBias != 0) v += bias[member * s.O + o];
            y[(((long)member * s.N + n) * s.O + o) * plane + q] = v;
        }
    }

    // ---- backward data ----

    private static void LoadWeightsT(ArrayView<float> w, ArrayView<float> As, in ConvShape s, int z, int m0, int k0, int kTotal, int idx)
    {
        int m = idx >> 4, k = idx & (BK - 1);
        int c = m0 + m, gk = k0 + k;
        float v = 0f;
        if (c < s.C && gk < kTotal)
        {
            int khw = s.KH * s.KW, okhw = s.O * khw;
            int e = gk / okhw, r = gk - e * okhw;
            int o = r / khw, q = r - o * khw;
            int member = s.Broadcast != 0 ? e : z;
            v = w[(((long)member * s.O + o) * s.C + c) * khw + q];
        }
        As[k * BM + m] = v;
    }

    /// <summary>dY at the output position that reads input (ih, iw) through kernel tap k = (member, o, ki, kj), or 0 if none does.</summary>
    private static float Scatter(ArrayView<float> dy, in ConvShape s, int z, int img, int ih, int iw, int k, int kTotal, bool colOk)
    {
        if (!colOk || k >= kTotal) return 0f;
        int khw = s.KH * s.KW, okhw = s.O * khw;
        int e = k / okhw, r = k - e * okhw;
        int o = r / khw, q = r - o * khw;
        int ki = q / s.KW, kj = q - ki * s.KW;
        int hn = ih + s.PadH - ki, wn = iw + s.PadW - kj;
        if (hn < 0 || wn < 0) return 0f;
        int oh = hn / s.StrideH, ow = wn / s.StrideW;
        if (oh * s.StrideH != hn || ow * s.StrideW != wn || oh >= s.OH || ow >= s.OW) return 0f;
        int member = s.Broadcast != 0 ? e : z;
        return dy[(((long)member * s.N + img) * s.O + o) * s.OH * s.OW + oh * s.OW + ow];
    }

    [Kernel]
    public static void BackwardData(ArrayView<float> dy, ArrayView<float> w, ArrayView<float> dx, ConvShape s)
    {
        var As = SharedMemory.Allocate<float>(BK * BM);
        var Bs = SharedMemory.Allocate<float>(BK * BN);
        int t = Group.IdxX, tx = t & 15, ty = t >> 4;
        int n0 = Grid.IdxX * BN, m0 = Grid.IdxY * BM, z = Grid.IdxZ;
        int hw = s.H * s.W, cols = s.N * hw;
        int kTotal = (s.Broadcast != 0 ? s.E : 1) * s.O * s.KH * s.KW;
        int jj = t & (BN - 1), kr = t >> 6;
        int j = n0 + jj;
        bool colOk = j < cols;
        int img = colOk ? j / hw : 0, p = j - img * hw;
        int ih = p / s.W, iw = p - ih * s.W;
        var acc = new Tile4x4();
        for (int k0 = 0; k0 < kTotal; k0 += BK)
        {
            LoadWeightsT(w, As, s, z, m0, k0, kTotal, t);
            LoadWeightsT(w, As, s, z, m0, k0, kTotal, t + Threads);
            LoadWeightsT(w, As, s, z, m0, k0, kTotal, t + 2 * Threads);
            LoadWeightsT(w, As, s, z, m0, k0, kTotal, t + 3 * Threads);
            Bs[kr * BN + jj] = Scatter(dy, s, z, img, ih, iw, k0 + kr, kTotal, colOk);
            Bs[(kr + 4) * BN + jj] = Scatter(dy, s, z, img, ih, iw, k0 + kr + 4, kTotal, colOk);
            Bs[(kr + 8) * BN + jj] = Scatter(dy, s, z, img, ih, iw, k0 + kr + 8, kTotal, colOk);
            Bs[(kr + 12) * BN + jj] = Scatter(dy, s, z, img, ih, iw, k0 + kr + 12, kTotal, colOk);
            Group.Barrier();
            acc = TileCore.MultiplySlice(acc, As, Bs, ty, tx);
            Group.Barrier();
        }
        for (int idx = 0; idx < 16; idx++)
        {
            int c = m0 + ty + 16 * (idx >> 2), col = n0 + tx + 16 * (idx & 3);
            if (c >= s.C || col >= cols) continue;
            int n = col / hw, q = col - n * hw;
            dx[InputBase(s, z, n) + (long)c * hw + q] = Tile4x4.At(acc, idx);
        }
    }

    // ---- backward weight ----

    private static void LoadGrad(ArrayView<float> dy, ArrayView<float> As, in ConvShape s, int member, int m0, int j0, int jEnd, int idx)
    {
        int m = idx >> 4, k = idx & (BK - 1);
        int o = m0 + m, j = j0 + k;
        float v = 0f;
        if (o < s.O && j < jEnd)
        {
            int plane = s.OH * s.OW;
            int img = j / plane, p = j - img * plane;
            v = dy[(((long)member * s.N + img) * s.O + o) * plane + p];
        }
        As[k * BM + m] = v;
    }

    [Kernel]
    public static void BackwardWeight(ArrayView<float> x, ArrayView<float> dy, ArrayView<float> partial, ConvShape s)
    {
        var As = SharedMemory.Allocate<float>(BK * BM);
        var Bs = SharedMemory.Allocate<float>(BK * BN);
        int t = Group.IdxX, tx = t & 15, ty = t >> 4;
        int n0 = Grid.IdxX * BN, m0 = Grid.IdxY * BM, z = Grid.IdxZ;
        int member = z % s.E, split = z / s.E;
        int plane = s.OH * s.OW, kTotal = s.C * s.KH * s.KW, jTotal = s.N * plane;
        int jStart = split * s.SplitLen, jEnd = jStart + s.SplitLen;
        if (jEnd > jTotal) jEnd = jTotal;
        // this thread stages patch row jr (fixed) for the columns kc, kc + 16, kc + 32, kc + 48 of the weight gradient
        int jr = t & (BK - 1), kc = t >> 4;
        var acc = new Tile4x4();
        for (int j0 = jStart; j0 < jEnd; j0 += BK)
        {
            LoadGrad(dy, As, s, member, m0, j0, jEnd, t);
            LoadGrad(dy, As, s, member, m0, j0, jEnd, t + Threads);
            LoadGrad(dy, As, s, member, m0, j0, jEnd, t + 2 * Threads);
            LoadGrad(dy, As, s, member, m0, j0, jEnd, t + 3 * Threads);
            int j = j0 + jr;
            bool rowOk = j < jEnd;
            int img = rowOk ? j / plane : 0, p = j - img * plane;
            int oh = p / s.OW, ow = p - oh * s.OW;
            int ihBase = oh * s.StrideH - s.PadH, iwBase = ow * s.StrideW - s.PadW;
            long xBase = InputBase(s, member, img);
            Bs[jr * BN + kc] = Patch(x, s, xBase, ihBase, iwBase, n0 + kc, kTotal, rowOk);
            Bs[jr * BN + kc + 16] = Patch(x, s, xBase, ihBase, iwBase, n0 + kc + 16, kTotal, rowOk);
            Bs[jr * BN + kc + 32] = Patch(x, s, xBase, ihBase, iwBase, n0 + kc + 32, kTotal, rowOk);
            Bs[jr * BN + kc + 48] = Patch(x, s, xBase, ihBase, iwBase, n0 + kc + 48, kTotal, rowOk);
            Group.Barrier();
            acc = TileCore.MultiplySlice(acc, As, Bs, ty, tx);
            Group.Barrier();
        }
        long outBase = (long)z * s.O * kTotal;
        for (int idx = 0; idx < 16; idx++)
        {
            int o = m0 + ty + 16 * (idx >> 2), col = n0 + tx + 16 * (idx & 3);
            if (o < s.O && col < kTotal) partial[outBase + (long)o * kTotal + col] = Tile4x4.At(acc, idx);
        }
    }

    /// <summary>dw[i] = Σ_s partial[s·size + i] in split order (size = E·O·K).</summary>
    [Kernel]
    public static void SumSplits(Index1D i, ArrayView<float> partial, ArrayView<float> dw, int splits, int size)
    {
        float sum = 0f;
        for (int sp = 0; sp < splits; sp++) sum += partial[(long)sp * size + i];
        dw[i] = sum;
    }

    /// <summary>dbias[e, o] = Σ_n Σ_p dY[e, n, o, p]; one group per (member, o) pair (grid X = E·O).</summary>
    [Kernel]
    public static void BiasGrad(ArrayView<float> dy, ArrayView<float> dbias, ConvShape s)
    {
        var scratch = SharedMemory.Allocate<double>(Reduce.Threads);
        int eo = Grid.IdxX, t = Group.IdxX;
        int member = eo / s.O, o = eo - member * s.O;
        int plane = s.OH * s.OW, count = s.N * plane;
        double sum = 0;
        for (int j = t; j < count; j += Reduce.Threads)
        {
            int img = j / plane, p = j - img * plane;
            sum += dy[(((long)member * s.N + img) * s.O + o) * plane + p];
        }
        double total = Reduce.GroupSum(scratch, sum);
        if (t == 0) dbias[eo] = (float)total;
    }
}
