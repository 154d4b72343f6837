using FastRobust.Tensors;

namespace FastRobust.Backends.Cpu;

public sealed unsafe partial class CpuBackend
{
    public override void Gemm(bool transA, bool transB, int m, int n, int k, float alpha,
        FloatBuffer a, long offA, int lda, long strideA,
        FloatBuffer b, long offB, int ldb, long strideB,
        float beta, FloatBuffer c, long offC, int ldc, long strideC, int batch)
    {
        float* pa = P(a) + offA, pb = P(b) + offB, pc = P(c) + offC;
        if (batch == 1)
        {
            CpuGemm.Sgemm(transA, transB, m, n, k, alpha, pa, lda, pb, ldb, beta, pc, ldc, parallel: true);
            return;
        }
        // many small products: one per core; few large ones: split each across the cores
        long work = (long)m * n * k;
        if (batch >= 2 * CpuParallel.Workers || work < (1 << 18))
        {
            CpuParallel.For(batch, CpuParallel.Chunks(batch, work, 1 << 16), (_, s, e) =>
            {
                for (long i = s; i < e; i++)
                    CpuGemm.Sgemm(transA, transB, m, n, k, alpha, pa + i * strideA, lda, pb + i * strideB, ldb, beta,
                        pc + i * strideC, ldc);
            });
        }
        else
        {
            for (int i = 0; i < batch; i++)
                CpuGemm.Sgemm(transA, transB, m, n, k, alpha, pa + i * strideA, lda, pb + i * strideB, ldb, beta,
                    pc + i * strideC, ldc, parallel: true);
        }
    }
}
