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
        var s = new GemmShape
        {
            M = m, N = n,
            // alpha = 0 means C = beta·C without reading A or B, as on the CPU (so NaN in A cannot leak in)
            K = alpha == 0f ? 0 : Math.Max(k, 0),
            TransA = transA ? 1 : 0, TransB = transB ? 1 : 0, Lda = lda, Ldb = ldb, Ldc = ldc,
            StrideA = strideA, StrideB = strideB, StrideC = strideC, Alpha = alpha, Beta = beta,
        };
        var va = V(a);
        var vb = V(b);
        var vc = V(c);
        K.Gemm(TileGrid(Tiles(n, TileCore.BN), Tiles(m, TileCore.BM), batch),
            va.SubView(offA, va.Length - offA), vb.SubView(offB, vb.Length - offB), vc.SubView(offC, vc.Length - offC), s);
    }
}
