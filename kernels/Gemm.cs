using ILGPU;

namespace FastRobust.Kernels;

/// <summary>Strided batched GEMM arguments (row-major; a stride of 0 broadcasts an operand over the batch).</summary>
public struct GemmShape
{
    public int M, N, K, TransA, TransB, Lda, Ldb, Ldc;
    public long StrideA, StrideB, StrideC;
    public float Alpha, Beta;
}

/// <summary>
/// C_b = alpha·op(A_b)·op(B_b) + beta·C_b: grid (⌈N/64⌉, ⌈M/64⌉, batch), 256 threads per group, the tile loop of
/// <see cref="TileCore"/>. Tiles are loaded so that consecutive threads read consecutive addresses of whichever
/// layout the operand has (transposed or not). With beta = 0, C is never read (it may hold NaN).
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

    [Kernel]
    public static void Tiled(ArrayView<float> a, ArrayView<float> b, ArrayView<float> c, GemmShape s)
    {
        var As = SharedMemory.Allocate<float>(BK * BM);
        var Bs = SharedMemory.Allocate<float>(BK * BN);
        int t = Group.IdxX, tx = t & 15, ty = t >> 4;
        int n0 = Grid.IdxX * BN, m0 = Grid.IdxY * BM, batch = Grid.IdxZ;
        long aBase = batch * s.StrideA, bBase = batch * s.StrideB, cBase = batch * s.StrideC;
        var acc = new Tile4x4();
        for (int k0 = 0; k0 < s.K; k0 += BK)
        {
            LoadA(a, As, s, aBase, m0, k0, t);
            LoadA(a, As, s, aBase, m0, k0, t + Threads);
            LoadA(a, As, s, aBase, m0, k0, t + 2 * Threads);
            LoadA(a, As, s, aBase, m0, k0, t + 3 * Threads);
            LoadB(b, Bs, s, bBase, n0, k0, t);
            LoadB(b, Bs, s, bBase, n0, k0, t + Threads);
            LoadB(b, Bs, s, bBase, n0, k0, t + 2 * Threads);
            LoadB(b, Bs, s, bBase, n0, k0, t + 3 * Threads);
            Group.Barrier();
            acc = TileCore.MultiplySlice(acc, As, Bs, ty, tx);
            Group.Barrier();
        }
        for (int idx = 0; idx < 16; idx++)
        {
            int row = m0 + ty + 16 * (idx >> 2), col = n0 + tx + 16 * (idx & 3);
            if (row >= s.M || col >= s.N) continue;
            long at = cBase + (long)row * s.Ldc + col;
            float v = s.Alpha * Tile4x4.At(acc, idx);
            if (s.Beta != 0f) v += s.Beta * c[at];
            c[at] = v;
        }
    }
}
