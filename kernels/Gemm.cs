using ILGPU;

namespace FastRobust.Kernels;

/// <summary>
/// Strided batched GEMM arguments (row-major; a stride of 0 broadcasts an operand over the batch). Splits/SplitLen:
/// the split-K partition of the reduction (1 and K when unsplit); SplitLen is a multiple of BK when Splits &gt; 1.
/// </summary>
public struct GemmShape
{
    public int M, N, K, TransA, TransB, Lda, Ldb, Ldc;
    public long StrideA, StrideB, StrideC;
    public float Alpha, Beta;
    public int Splits, SplitLen;
}

/// <summary>
/// C_b = alpha·op(A_b)·op(B_b) + beta·C_b: grid (⌈N/64⌉, ⌈M/64⌉, batch), 64 threads per group, the tile loop of
/// <see cref="TileCore"/>. Tiles are loaded so that consecutive threads read consecutive addresses of whichever
/// layout the operand has (transposed or not). With beta = 0, C is never read (it may hold NaN).
/// <para>Split-K: grid Z = Splits·batch, group z = split·batch + b multiplies the K range
/// [split·SplitLen, split·SplitLen + SplitLen) of product b and writes it as product z of C (the launcher points C at a
/// scratch buffer [Splits, batch, M, N] with alpha = 1, beta = 0); <see cref="SumSplits"/> adds the splits in order.</para>
/// </summary>
public static class Gemm
{
    private const int BM = TileCore.BM, BN = TileCore.BN, BK = TileCore.BK, Threads = TileCore.Threads;

    private static void LoadA(ArrayView<float> a, ArrayView<float> As, in GemmShape s, long aBase, int m0, int k0, int idx)
    {
        int m, k;
        if (s.TransA == 0)
        {
            m = idx >> 4;
            k = idx & (BK - 1);
        }
        else
        {
            k = idx >> 6;
            m = idx & (BM - 1);
        }
        int gm = m0 + m, gk = k0 + k;
        float v = 0f;
        if (gm < s.M && gk < s.K)
            v = s.TransA == 0 ? a[aBase + (long)gm * s.Lda + gk] : a[aBase + (long)gk * s.Lda + gm];
        As[k * BM + m] = v;
    }

    private static void LoadB(ArrayView<float> b, ArrayView<float> Bs, in GemmShape s, long bBase, int n0, int k0, int idx)
    {
        int n, k;
        if (s.TransB == 0)
        {
            k = idx >> 6;
            n = idx & (BN - 1);
        }
        else
        {
            n = idx >> 4;
            k = idx & (BK - 1);
        }
        int gn = n0 + n, gk = k0 + k;
        float v = 0f;
        if (gn < s.N && gk < s.K)
            v = s.TransB == 0 ? b[bBase + (long)gk * s.Ldb + gn] : b[bBase + (long)gn * s.Ldb + gk];
        Bs[k * BN + n] = v;
    }

    /// <summary>Tiled's store: C = alpha·product + beta·C (C unread when beta = 0) at C_b's (row, col).</summary>
    private struct GemmStore : ITileStore
    {
        public ArrayView<float> C;
        public GemmShape S;
        public long CBase;

        public void Put(int row, int col, float acc)
        {
            if (row >= S.M || col >= S.N) return;
            long at = CBase + (long)row * S.Ldc + col;
            float v = S.Alpha * acc;
            if (S.Beta != 0f) v += S.Beta * C[at];
            C[at] = v;
        }
    }

    [Kernel]
    public static void Tiled(ArrayView<float> a, ArrayView<float> b, ArrayView<float> c, GemmShape s)
    {
        var As = SharedMemory.Allocate<float>(BK * BM);
        var Bs = SharedMemory.Allocate<float>(BK * BN);
        int t = Group.IdxX, tx = t & 7, ty = t >> 3;
        int n0 = Grid.IdxX * BN, m0 = Grid.IdxY * BM, z = Grid.IdxZ, batches = Grid.DimZ / s.Splits;
        int split = z / batches, batch = z - split * batches;
        // SplitLen is a multiple of BK, so a 16-deep slice never straddles two splits: the loads' k < K mask suffices
        int kStart = split * s.SplitLen, kEnd = s.K - kStart < s.SplitLen ? s.K : kStart + s.SplitLen;
        long aBase = batch * s.StrideA, bBase = batch * s.StrideB, cBase = z * s.StrideC;
        int rowGroups = TileCore.RowGroups(s.M - m0);
        var acc = new Tile8x8();
        for (int k0 = kStart; k0 < kEnd; k0 += BK)
        {
            for (int l = 0; l < BM * BK / Threads; l++)
            {
                LoadA(a, As, s, aBase, m0, k0, t + l * Threads);
                LoadB(b, Bs, s, bBase, n0, k0, t + l * Threads);
            }
            Group.Barrier();
            acc = TileCore.MultiplySlice(acc, As, Bs, ty, tx, rowGroups);
            Group.Barrier();
        }
        TileCore.Store(acc, ty, tx, m0, n0, new GemmStore { C = c, S = s, CBase = cBase });
    }

    /// <summary>
    /// C_b = alpha·Σ_split partial[split, b] + beta·C_b, the splits added in order (deterministic, no atomics); partial
    /// is [Splits, batch, M, N] and size = batch·M·N. With beta = 0, C is not read.
    /// </summary>
    [Kernel]
    public static void SumSplits(ArrayView<float> partial, ArrayView<float> c, GemmShape s, int size)
    {
        int plane = s.M * s.N;
        for (int i = Stride.Start; i < size; i += Stride.Step)
        {
            // 32-bit: the launcher keeps the scratch buffer below 2^31 elements
            float sum = 0f;
            for (int split = 0; split < s.Splits; split++) sum += partial[split * size + i];
            int batch = i / plane, r = i - batch * plane, row = r / s.N, col = r - row * s.N;
            long at = batch * s.StrideC + (long)row * s.Ldc + col;
            float v = s.Alpha * sum;
            if (s.Beta != 0f) v += s.Beta * c[at];
            c[at] = v;
        }
    }
}
