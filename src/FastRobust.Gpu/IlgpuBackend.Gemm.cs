using FastRobust.Kernels;
using FastRobust.Tensors;

namespace FastRobust.Gpu;

public sealed partial class IlgpuBackend
{
    public override void Gemm(bool transA, bool transB, int m, int n, int k, float alpha,
        FloatBuffer a, long offA, int lda, long strideA,
        FloatBuffer b, long offB, int ldb, long strideB,
        float beta, FloatBuffer c, long offC, int ldc, long strideC, int batch)
    {
        if (m <= 0 || n <= 0 || batch <= 0) return;
        // alpha = 0 means C = beta·C without reading A or B, as on the CPU (so NaN in A cannot leak in)
        int depth = alpha == 0f ? 0 : Math.Max(k, 0);
        var (splits, splitLen) = GemmSplit(m, n, depth, batch);
        var s = new GemmShape
        {
            M = m, N = n, K = depth,
            TransA = transA ? 1 : 0, TransB = transB ? 1 : 0, Lda = lda, Ldb = ldb, Ldc = ldc,
            StrideA = strideA, StrideB = strideB, StrideC = strideC, Alpha = alpha, Beta = beta,
            Splits = splits, SplitLen = splitLen,
        };
        var va = V(a).SubView(offA, V(a).Length - offA);
        var vb = V(b).SubView(offB, V(b).Length - offB);
        var vc = V(c).SubView(offC, V(c).Length - offC);
        var grid = TileGrid(Tiles(n, TileCore.BN), Tiles(m, TileCore.BM), (long)batch * splits);
        if (splits == 1)
        {
            K.Gemm(grid, va, vb, vc, s);
            return;
        }
        // each split writes its raw product (alpha 1, beta 0) densely into scratch [splits, batch, m, n]; the sum
        // then applies alpha and beta once. Scratch straight from the pool: returning it before the kernels ran is
        // safe on the in-order stream.
        int size = N((long)batch * m * n);
        var partial = new GpuBlock(_pool, N((long)size * splits));
        K.Gemm(grid, va, vb, partial.View, s with { Alpha = 1f, Beta = 0f, Ldc = n, StrideC = (long)m * n });
        K.GemmSumSplits(Elements(size), partial.View, vc, s, size);
        partial.Return();
    }

    /// <summary>
    /// The split of K that <see cref="Gemm"/> uses for this shape on this device (see <see cref="SplitReduction"/>):
    /// the output tiles of all products against a reduction of depth k.
    /// </summary>
    internal (int Splits, int Len) GemmSplit(int m, int n, int k, int batch) =>
        GemmSplit(m, n, k, batch, Accelerator.NumMultiprocessors);

    /// <summary>The same for a device of <paramref name="multiprocessors"/> (the grid sizes docs/engine.md quotes for an H100).</summary>
    internal static (int Splits, int Len) GemmSplit(int m, int n, int k, int batch, int multiprocessors) =>
        SplitReduction((long)Tiles(n, TileCore.BN) * Tiles(m, TileCore.BM) * batch, k, multiprocessors);
}
