using ILGPU;

namespace FastRobust.Kernels;

/// <summary>
/// One 2-D convolution over the ensemble (ConvGeometry as a kernel argument). Broadcast = 1: every member reads the
/// same input [N, C, H, W]. Splits/SplitLen: the split-K partition of the weight gradient's reduction.
/// </summary>
public struct ConvShape
{
    public int E, N, C, H, W, O, KH, KW, StrideH, StrideW, PadH, PadW, OH, OW, Broadcast, Splits, SplitLen;

    /// <summary>1/StrideH and 1/StrideW, computed on the host: a value computed in the kernel would be sunk into the loop that uses it.</summary>
    public float InvStrideH, InvStrideW;
}

/// <summary>
/// Convolution as implicit GEMM on the tile loop of <see cref="TileCore"/>: the im2col matrix is never written;
/// each K slice of it is gathered straight into shared memory. All three kernels write each output element
/// exactly once (no atomics, no zero fill), so results do not depend on scheduling.
/// <list type="bullet">
/// <item>Forward: Y_e[O, N·OH·OW] = W_e[O, K]·X̂_e[K, N·OH·OW], K = C·KH·KW; grid (cols, O, E); bias and, when asked, the ReLU in the epilogue.</item>
/// <item>Backward data: dX[C, N·H·W] = Σ over (member, o, ki, kj) of W·dY, gathered per input pixel (the transposed
/// convolution); with a broadcast input the members are part of the reduction, so dX sums over them.</item>
/// <item>Backward weight: dW_e[O, K] = dY_e[O, J]·X̂_eᵀ[J, K] with J = N·OH·OW split into slices (grid Z = E·splits)
/// whose partial products are summed in a fixed order by <see cref="SumSplits"/>.</item>
/// </list>
/// </summary>
public static partial class Conv
{
    private const int BM = TileCore.BM, BN = TileCore.BN, BK = TileCore.BK, Threads = TileCore.Threads;

    private static long InputBase(in ConvShape s, int member, int n) =>
        (s.Broadcast != 0 ? n : (long)member * s.N + n) * s.C * s.H * s.W;

    // ---- forward ----
    /// <summary>
    /// v[at] where ok, else 0, without a branch: the load always happens, from element 0 when not ok (every view here
    /// is non-empty), and a select picks the value. A conditional load would split the warp around each element.
    /// </summary>
    private static float Masked(ArrayView<float> v, bool ok, int at)
    {
        float loaded = v[ok ? at : 0];
        return ok ? loaded : 0f;
    }


    /// <summary>Forward's store: bias and, when asked, the ReLU, then y [E, N, O, OH, OW] at (o, col = n·plane + q).</summary>
    private struct ForwardStore : ITileStore
    {
        public ArrayView<float> Y, Bias;
        public ConvShape S;
        public int Member, HasBias, Relu, Cols, Plane;

        public void Put(int o, int col, float v)
        {
            if (o >= S.O || col >= Cols) return;
            int n = col / Plane, q = col - n * Plane;
            if (HasBias != 0) v += Bias[Member * S.O + o];
            // the ReLU that follows the convolution, in its store (the unary kernel's definition): saves a pass over y
            if (Relu != 0) v = v > 0f ? v : 0f;
            Y[(((long)Member * S.N + n) * S.O + o) * Plane + q] = v;
        }
    }

    [Kernel]
    public static void Forward(ArrayView<float> x, ArrayView<float> w, ArrayView<float> bias, ArrayView<float> y, ConvShape s, int hasBias, int relu)
    {
        var As = SharedMemory.Allocate<float>(BK * BM);
        var Bs = SharedMemory.Allocate<float>(BK * BN);
        int t = Group.IdxX, tx = t & 7, ty = t >> 3;
        int n0 = Grid.IdxX * BN, m0 = Grid.IdxY * BM, member = Grid.IdxZ;
        // the shape in registers: ILGPU reads a struct argument's fields from parameter memory at every use
        int H = s.H, W = s.W, KH = s.KH, KW = s.KW, O = s.O;
        int plane = s.OH * s.OW, cols = s.N * plane, khw = KH * KW, kTotal = s.C * khw;
        // 32-bit offsets throughout: the backend refuses tensors of 2^31 elements or more
        int wBase = member * O * kTotal;
        // thread t stages weight column k0 + (t & 15) of rows (t >> 4) + 4l
        int wk = t & (BK - 1), wm = t >> 4;
        // and column n0 + t of every K slice of the patch matrix: decode it once
        int j = n0 + t;
        bool colOk = j < cols;
        int img = colOk ? j / plane : 0, p = j - img * plane;
        int oh = p / s.OW, ow = p - oh * s.OW;
        int ihBase = oh * s.StrideH - s.PadH, iwBase = ow * s.StrideW - s.PadW;
        int imageBase = (s.Broadcast != 0 ? img : member * s.N + img) * s.C * H * W;
        // patch row k = (c, ki, kj) of this thread's column, stepped without divisions from k = 0 on: each slice
        // starts where the previous one stopped. ih = ihBase + ki; rowStart is the offset of (c, ih, iwBase).
        int ki = 0, kj = 0, ih = ihBase, rowStart = imageBase + ihBase * W + iwBase;
        int rowGroups = TileCore.RowGroups(O - m0);
        var acc = new Tile8x8();
        for (int k0 = 0; k0 < kTotal; k0 += BK)
        {
            int gk = k0 + wk;
            bool kOk = gk < kTotal;
            // rows wm + 4l below the tile's live row groups only: the micro-kernel reads no others
            for (int l = 0; l < 2 * rowGroups; l++)
            {
                int o = m0 + wm + 4 * l;
                As[wk * BM + wm + 4 * l] = Masked(w, kOk & (o < O), wBase + o * kTotal + gk);
            }
            for (int l = 0; l < BK; l++)
            {
                int iw = iwBase + kj;
                // & rather than &&: one predicate, no branches around each element
                bool inside = colOk & (k0 + l < kTotal) & ((uint)ih < (uint)H) & ((uint)iw < (uint)W);
                Bs[l * BN + t] = Masked(x, inside, rowStart + kj);
                if (++kj == KW)
                {
                    kj = 0;
                    ih++;
                    rowStart += W;
                    if (++ki == KH)
                    {
                        // next channel: back to the first tap row, one plane further
                        ki = 0;
                        ih -= KH;
                        rowStart += (H - KH) * W;
                    }
                }
            }
            Group.Barrier();
            acc = TileCore.MultiplySlice(acc, As, Bs, ty, tx, rowGroups);
            Group.Barrier();
        }
        TileCore.Store(acc, ty, tx, m0, n0,
            new ForwardStore { Y = y, Bias = bias, S = s, Member = member, HasBias = hasBias, Relu = relu, Cols = cols, Plane = plane });
    }

    // ---- backward data ----

    /// <summary>BackwardData's store: dX at (c, col = n·hw + q) of member z's input.</summary>
    private struct DataStore : ITileStore
    {
        public ArrayView<float> Dx;
        public ConvShape S;
        public int Z, Cols, Hw;

        public void Put(int c, int col, float v)
        {
            if (c >= S.C || col >= Cols) return;
            int n = col / Hw, q = col - n * Hw;
            Dx[InputBase(S, Z, n) + (long)c * Hw + q] = v;
        }
    }

    [Kernel]
    public static void BackwardData(ArrayView<float> dy, ArrayView<float> w, ArrayView<float> dx, ConvShape s)
    {
        var As = SharedMemory.Allocate<float>(BK * BM);
        var Bs = SharedMemory.Allocate<float>(BK * BN);
        int t = Group.IdxX, tx = t & 7, ty = t >> 3;
        int n0 = Grid.IdxX * BN, m0 = Grid.IdxY * BM, z = Grid.IdxZ;
        // the shape in registers: ILGPU reads a struct argument's fields from parameter memory at every use
        int C = s.C, O = s.O, KH = s.KH, KW = s.KW, OH = s.OH, OW = s.OW, SH = s.StrideH, SW = s.StrideW, N = s.N;
        bool broadcast = s.Broadcast != 0;
        float invSH = s.InvStrideH, invSW = s.InvStrideW;
        int hw = s.H * s.W, cols = N * hw, khw = KH * KW, okhw = O * khw, ohw = OH * OW;
        int kTotal = (broadcast ? s.E : 1) * okhw;
        // thread t stages weight tap k0 + (t & 15) for channels m0 + (t >> 4) + 4l
        int wk = t & (BK - 1), wm = t >> 4;
        // and input pixel n0 + t for every tap: decode it once (32-bit offsets: the backend refuses 2^31 elements)
        int j = n0 + t;
        bool colOk = j < cols;
        int img = colOk ? j / hw : 0, p = j - img * hw;
        int ih = p / s.W, iw = p - ih * s.W;
        int ihPad = ih + s.PadH, iwPad = iw + s.PadW;
        // tap k = (e, o, ki, kj) of the patch rows, stepped without divisions from k = 0 on (each slice starts where
        // the previous one stopped); dyPlane is the offset of dY[member, img, o]
        int e = 0, o = 0, ki = 0, kj = 0;
        int dyPlane = ((broadcast ? 0 : z) * N + img) * O * ohw;
        // hn = ihPad - ki and wn = iwPad - kj, stepped with them (computed from ih inside the loop, ILGPU's code
        // placement would move the pixel's decoding into the body)
        int hn = ihPad, wn = iwPad;
        int rowGroups = TileCore.RowGroups(C - m0);
        var acc = new Tile8x8();
        for (int k0 = 0; k0 < kTotal; k0 += BK)
        {
            // Wᵀ: one tap per thread and slice, decoded here (two divisions per slice, not per element)
            int gk = k0 + wk;
            bool kOk = gk < kTotal;
            int we = gk / okhw, wr = gk - we * okhw;
            int wo = wr / khw, wq = wr - wo * khw;
            // c and at step through the loop so that the decoding above stays out of it (ILGPU's code placement
            // would otherwise sink it into the body, four divisions per element)
            int c = m0 + wm, at = (((broadcast ? we : z) * O + wo) * C + c) * khw + wq;
            // rows wm + 4l below the tile's live row groups only: the micro-kernel reads no others
            for (int l = 0; l < 2 * rowGroups; l++)
            {
                As[wk * BM + wm + 4 * l] = Masked(w, kOk & (c < C), at);
                c += 4;
                at += 4 * khw;
            }
            for (int l = 0; l < BK; l++)
            {
                // the output position that reads input (ih, iw) through tap (ki, kj), if any:
                // hn / SH without an integer division (≈ 20 instructions): when SH divides hn (< 2^22) the rounded
                // float quotient is exact, and when it does not no integer passes the check oh·SH = hn below
                int oh = (int)(hn * invSH + 0.5f), ow = (int)(wn * invSW + 0.5f);
                bool hit = colOk & (k0 + l < kTotal) & (hn >= 0) & (wn >= 0) & (oh * SH == hn) & (ow * SW == wn) & (oh < OH) & (ow < OW);
                Bs[l * BN + t] = Masked(dy, hit, dyPlane + oh * OW + ow);
                wn--;
                if (++kj == KW)
                {
                    kj = 0;
                    wn = iwPad;
                    hn--;
                    if (++ki == KH)
                    {
                        ki = 0;
                        hn = ihPad;
                        dyPlane += ohw;
                        if (++o == O)
                        {
                            // next member (broadcast input only: the members are part of the reduction)
                            o = 0;
                            e++;
                            dyPlane = (e * N + img) * O * ohw;
                        }
                    }
                }
            }
            Group.Barrier();
            acc = TileCore.MultiplySlice(acc, As, Bs, ty, tx, rowGroups);
            Group.Barrier();
        }
        TileCore.Store(acc, ty, tx, m0, n0, new DataStore { Dx = dx, S = s, Z = z, Cols = cols, Hw = hw });
    }

    // ---- backward weight ----

    /// <summary>BackwardWeight's store: the partial dW [O, K] of split and member z at (o, col).</summary>
    private struct WeightStore : ITileStore
    {
        public ArrayView<float> Partial;
        public int O, KTotal;
        public long OutBase;

        public void Put(int o, int col, float v)
        {
            if (o < O && col < KTotal) Partial[OutBase + (long)o * KTotal + col] = v;
        }
    }

    /// <summary>Reduction row j of the weight gradient, decoded once per K slice: the patch's top-left input and the dY column.</summary>
    private struct PatchRow
    {
        public bool Ok;
        public int IhBase, IwBase, XBase, DyBase;
    }

    /// <summary>Stages dY[o = m0 + q, j] into As and the patch element (column n0 + q, row j) into Bs, slice row jr.</summary>
    private static void StageWeightGrad(ArrayView<float> x, ArrayView<float> dy, ArrayView<float> As, ArrayView<float> Bs,
        ArrayView<int> tapOffset, ArrayView<int> tapKiKj, in PatchRow row, int q, int jr, int m0, int O, int H, int W, int plane, int liveRows)
    {
        int o = m0 + q;
        // rows past the tile's live row groups are never read by the micro-kernel (uniform: q < 8g iff l < 2g)
        if (q < liveRows) As[jr * BM + q] = Masked(dy, row.Ok & (o < O), row.DyBase + o * plane);
        int kij = tapKiKj[q];
        int ih = row.IhBase + (kij >> 16), iw = row.IwBase + (kij & 0xFFFF);
        bool inside = row.Ok & (kij >= 0) & ((uint)ih < (uint)H) & ((uint)iw < (uint)W);
        Bs[jr * BN + q] = Masked(x, inside, row.XBase + tapOffset[q]);
    }

    [Kernel]
    public static void BackwardWeight(ArrayView<float> x, ArrayView<float> dy, ArrayView<float> partial, ConvShape s)
    {
        var As = SharedMemory.Allocate<float>(BK * BM);
        var Bs = SharedMemory.Allocate<float>(BK * BN);
        // the block's 64 weight-gradient columns k = (c, ki, kj), decoded once: offset c·H·W + ki·W + kj, and
        // (ki << 16) | kj, or -1 past the last column
        var tapOffset = SharedMemory.Allocate<int>(BN);
        var tapKiKj = SharedMemory.Allocate<int>(BN);
        int t = Group.IdxX, tx = t & 7, ty = t >> 3;
        int n0 = Grid.IdxX * BN, m0 = Grid.IdxY * BM, z = Grid.IdxZ;
        int member = z % s.E, split = z / s.E;
        // the shape in registers: ILGPU reads a struct argument's fields from parameter memory at every use
        int H = s.H, W = s.W, O = s.O, OW = s.OW;
        int plane = s.OH * OW, khw = s.KH * s.KW, kTotal = s.C * khw, jTotal = s.N * plane;
        int jStart = split * s.SplitLen, jEnd = jStart + s.SplitLen;
        if (jEnd > jTotal) jEnd = jTotal;
        {
            int k = n0 + t;
            int c = k / khw, r = k - c * khw;
            int ki = r / s.KW, kj = r - ki * s.KW;
            tapOffset[t] = (c * H + ki) * W + kj;
            tapKiKj[t] = k < kTotal ? (ki << 16) | kj : -1;
        }
        Group.Barrier();
        // this thread stages patch row jr (fixed) for the columns kc + 4l of the weight gradient
        int jr = t & (BK - 1), kc = t >> 4;
        int rowGroups = TileCore.RowGroups(O - m0), liveRows = 8 * rowGroups;
        var acc = new Tile8x8();
        for (int j0 = jStart; j0 < jEnd; j0 += BK)
        {
            int j = j0 + jr;
            bool rowOk = j < jEnd;
            int img = rowOk ? j / plane : 0, p = j - img * plane;
            int oh = p / OW, ow = p - oh * OW;
            int ihBase = oh * s.StrideH - s.PadH, iwBase = ow * s.StrideW - s.PadW;
            // 32-bit offsets: the backend refuses tensors of 2^31 elements or more
            var row = new PatchRow
            {
                Ok = rowOk, IhBase = ihBase, IwBase = iwBase,
                XBase = (s.Broadcast != 0 ? img : member * s.N + img) * s.C * H * W + ihBase * W + iwBase,
                // thread t loads dY rows o = m0 + (t >> 4) + 4l at column j (the same j as its patch row)
                DyBase = (member * s.N + img) * O * plane + p,
            };
            // unrolled by hand: in a loop, ILGPU's code placement sinks the row's decoding (four divisions) into the body
            StageWeightGrad(x, dy, As, Bs, tapOffset, tapKiKj, row, kc + 0, jr, m0, O, H, W, plane, liveRows);
            StageWeightGrad(x, dy, As, Bs, tapOffset, tapKiKj, row, kc + 4, jr, m0, O, H, W, plane, liveRows);
            StageWeightGrad(x, dy, As, Bs, tapOffset, tapKiKj, row, kc + 8, jr, m0, O, H, W, plane, liveRows);
            StageWeightGrad(x, dy, As, Bs, tapOffset, tapKiKj, row, kc + 12, jr, m0, O, H, W, plane, liveRows);
            StageWeightGrad(x, dy, As, Bs, tapOffset, tapKiKj, row, kc + 16, jr, m0, O, H, W, plane, liveRows);
            StageWeightGrad(x, dy, As, Bs, tapOffset, tapKiKj, row, kc + 20, jr, m0, O, H, W, plane, liveRows);
            StageWeightGrad(x, dy, As, Bs, tapOffset, tapKiKj, row, kc + 24, jr, m0, O, H, W, plane, liveRows);
            StageWeightGrad(x, dy, As, Bs, tapOffset, tapKiKj, row, kc + 28, jr, m0, O, H, W, plane, liveRows);
            StageWeightGrad(x, dy, As, Bs, tapOffset, tapKiKj, row, kc + 32, jr, m0, O, H, W, plane, liveRows);
            StageWeightGrad(x, dy, As, Bs, tapOffset, tapKiKj, row, kc + 36, jr, m0, O, H, W, plane, liveRows);
            StageWeightGrad(x, dy, As, Bs, tapOffset, tapKiKj, row, kc + 40, jr, m0, O, H, W, plane, liveRows);
            StageWeightGrad(x, dy, As, Bs, tapOffset, tapKiKj, row, kc + 44, jr, m0, O, H, W, plane, liveRows);
            StageWeightGrad(x, dy, As, Bs, tapOffset, tapKiKj, row, kc + 48, jr, m0, O, H, W, plane, liveRows);
            StageWeightGrad(x, dy, As, Bs, tapOffset, tapKiKj, row, kc + 52, jr, m0, O, H, W, plane, liveRows);
            StageWeightGrad(x, dy, As, Bs, tapOffset, tapKiKj, row, kc + 56, jr, m0, O, H, W, plane, liveRows);
            StageWeightGrad(x, dy, As, Bs, tapOffset, tapKiKj, row, kc + 60, jr, m0, O, H, W, plane, liveRows);
            Group.Barrier();
            acc = TileCore.MultiplySlice(acc, As, Bs, ty, tx, rowGroups);
            Group.Barrier();
        }
        long outBase = (long)z * s.O * kTotal;
        TileCore.Store(acc, ty, tx, m0, n0, new WeightStore { Partial = partial, O = s.O, KTotal = kTotal, OutBase = outBase });
    }

    /// <summary>dw[i] = Σ_s partial[s·size + i] in split order (size = E·O·K).</summary>
    [Kernel]
    public static void SumSplits(ArrayView<float> partial, ArrayView<float> dw, int size, int splits)
    {
        for (int i = Stride.Start; i < size; i += Stride.Step)
        {
            float sum = 0f;
            for (int sp = 0; sp < splits; sp++) sum += partial[(long)sp * size + i];
            dw[i] = sum;
        }
    }

    /// <summary>dbias[e, o] = Σ_n Σ_p dY[e, n, o, p]; one group per (member, o) pair (grid X = E·O).</summary>
    [Kernel]
    public static void BiasGrad(ArrayView<float> dy, ArrayView<float> dbias, ConvShape s)
    {
        var scratch = SharedMemory.Allocate<double>(Reduce.MaxThreads);
        int eo = Grid.IdxX, t = Group.IdxX;
        int member = eo / s.O, o = eo - member * s.O;
        int plane = s.OH * s.OW, count = s.N * plane;
        double sum = 0;
        for (int j = t; j < count; j += Group.DimX)
        {
            int img = j / plane, p = j - img * plane;
            sum += dy[(((long)member * s.N + img) * s.O + o) * plane + p];
        }
        double total = Reduce.GroupSum(scratch, sum);
        if (t == 0) dbias[eo] = (float)total;
    }
}
