using FastRobust.Backends.Cpu;
using FastRobust.Tensors;
using FastRobust.Tests.OpsTests.Reference;
using FastRobust.Tests.OpsTests.Support;
using Xunit;

namespace FastRobust.Tests.OpsTests;

/// <summary>
/// The packed GEMM (CpuGemm.Sgemm) and the backend's strided batched Gemm against a double reference: every
/// transpose combination, alpha/beta, edge tiles, and sizes that cross each blocking boundary (KC, MC, NC).
/// </summary>
public unsafe class GemmTests
{
    /// <summary>
    /// A float32 GEMM is within a few ulps of the sum of |terms| per element: the bound is relative to
    /// |alpha|·Σ_p|a·b| + |beta·c|, so it is tight where terms cancel too.
    /// </summary>
    private static void AssertGemmClose(string what, bool ta, bool tb, int m, int n, int k, float alpha, float[] a, int offA, int lda,
        float[] b, int offB, int ldb, float beta, float[] c0, float[] c, int offC, int ldc)
    {
        var expected = Ref.Gemm(ta, tb, m, n, k, alpha, a, offA, lda, b, offB, ldb, beta, c0, offC, ldc);
        for (int i = 0; i < c.Length; i++)
        {
            int row = (i - offC) / ldc, col = (i - offC) % ldc;
            bool inside = i >= offC && row < m && col < n;
            if (!inside)
            {
                // outside the m×n block (padding of ldc, or other batches): untouched, bit for bit
                if (BitConverter.SingleToInt32Bits(c[i]) != BitConverter.SingleToInt32Bits(c0[i]))
                    Assert.Fail($"{what}: wrote outside C at [{i}]");
                continue;
            }
            double mag = 0;
            for (int p = 0; p < k; p++)
            {
                double av = ta ? a[offA + p * lda + row] : a[offA + row * lda + p];
                double bv = tb ? b[offB + col * ldb + p] : b[offB + p * ldb + col];
                mag += Math.Abs(av * bv);
            }
            double tol = 1e-5 * (Math.Abs(alpha) * mag + (beta == 0 ? 0 : Math.Abs(beta * c0[i]))) + 1e-30;
            if (!(Math.Abs(c[i] - expected[i]) <= tol))
                Assert.Fail($"{what}: C[{row}, {col}] = {c[i]:R}, expected {expected[i]:R} (tol {tol:G3})");
        }
    }

    public static TheoryData<bool, bool, int, int, int> Sizes()
    {
        var d = new TheoryData<bool, bool, int, int, int>();
        // not multiples of the 8×32 (or 4×16) micro-tile; k across the KC = 256 block; m = 1; n = 1; k = 1;
        // m across MC = 96; n across NC = 2048 (and, with parallel, big enough to split the columns across cores);
        // exactly one micro-tile
        int[][] sizes = [[13, 37, 300], [1, 37, 5], [13, 1, 7], [9, 40, 1], [100, 33, 17], [33, 2100, 33], [8, 32, 8]];
        foreach (bool ta in new[] { false, true })
        foreach (bool tb in new[] { false, true })
        foreach (var s in sizes)
            d.Add(ta, tb, s[0], s[1], s[2]);
        return d;
    }

    [Theory]
    [MemberData(nameof(Sizes))]
    public void SgemmMatchesReference(bool ta, bool tb, int m, int n, int k)
    {
        var r = new System.Random(m * 7919 + n * 31 + k + (ta ? 1 : 0) + (tb ? 2 : 0));
        // leading dimensions wider than the rows, so indexing by the wrong one shows
        int lda = (ta ? m : k) + 3, ldb = (tb ? k : n) + 2, ldc = n + 5;
        var a = Check.Uniform(r, (ta ? k : m) * lda);
        var b = Check.Uniform(r, (tb ? n : k) * ldb);
        foreach (var (alpha, beta) in new[] { (1f, 0f), (0.7f, 0.3f), (-1.5f, 1f) })
        foreach (bool parallel in new[] { false, true })
        {
            var c0 = Check.Uniform(r, m * ldc);
            // beta = 0 must not read C: poison it
            if (beta == 0f) for (int i = 0; i < c0.Length; i++) if (i % ldc < n) c0[i] = float.NaN;
            var c = (float[])c0.Clone();
            fixed (float* pa = a, pb = b, pc = c)
                CpuGemm.Sgemm(ta, tb, m, n, k, alpha, pa, lda, pb, ldb, beta, pc, ldc, parallel);
            AssertGemmClose($"sgemm ta={ta} tb={tb} {m}x{n}x{k} alpha={alpha} beta={beta} parallel={parallel}",
                ta, tb, m, n, k, alpha, a, 0, lda, b, 0, ldb, beta, c0, c, 0, ldc);
        }
    }

    [Theory]
    [InlineData(false, false, 13, 37, 300)]
    [InlineData(true, true, 13, 37, 300)]
    [InlineData(true, false, 100, 33, 17)]
    [InlineData(false, true, 9, 40, 1)]
    [InlineData(false, false, 1, 1, 513)]
    [InlineData(true, true, 16, 64, 8)]
    public void PrepackedMatchesReference(bool ta, bool tb, int m, int n, int k)
    {
        // the path convolution takes: both operands packed once (every KC block), then only micro-kernels
        var r = new System.Random(m + n + k);
        int lda = (ta ? m : k) + 1, ldb = (tb ? k : n) + 3, ldc = n + 2;
        var a = Check.Uniform(r, (ta ? k : m) * lda);
        var b = Check.Uniform(r, (tb ? n : k) * ldb);
        foreach (var (alpha, beta) in new[] { (1f, 0f), (0.5f, -2f) })
        {
            var c0 = Check.Uniform(r, m * ldc);
            if (beta == 0f) for (int i = 0; i < c0.Length; i++) if (i % ldc < n) c0[i] = float.NaN;
            var c = (float[])c0.Clone();
            // packed buffers start as NaN so that any padding the kernel relied on but nobody wrote shows up
            var pa = Enumerable.Repeat(float.NaN, (int)CpuGemm.PackedASize(m, k)).ToArray();
            var pb = Enumerable.Repeat(float.NaN, (int)CpuGemm.PackedBSize(k, n)).ToArray();
            fixed (float* ap = a, bp = b, cp = c, pap = pa, pbp = pb)
            {
                CpuGemm.PackAFull(ta, m, k, ap, lda, pap);
                CpuGemm.PackBFull(tb, k, n, bp, ldb, pbp);
                CpuGemm.SgemmPrepacked(m, n, k, alpha, pap, pbp, beta, cp, ldc);
            }
            AssertGemmClose($"prepacked ta={ta} tb={tb} {m}x{n}x{k} alpha={alpha} beta={beta}", ta, tb, m, n, k, alpha, a, 0, lda, b, 0, ldb,
                beta, c0, c, 0, ldc);
        }
    }

    [Fact]
    public void AlphaZeroOrKZeroOnlyScalesC()
    {
        var c = new float[] { 1f, float.NaN, 3f };
        var a = new float[] { 2f };
        fixed (float* pa = a, pc = c)
        {
            // beta = 0 clears, even over NaN garbage
            CpuGemm.Sgemm(false, false, 1, 3, 0, 1f, pa, 1, pa, 3, 0f, pc, 3);
            Assert.Equal([0f, 0f, 0f], c);
            c[0] = 1f; c[1] = 2f; c[2] = 3f;
            CpuGemm.Sgemm(false, false, 1, 3, 1, 0f, pa, 1, pa, 3, 2f, pc, 3);
            Assert.Equal([2f, 4f, 6f], c);
        }
    }

    [Theory]
    [InlineData(false, false, 3, 7, 5, 9, true)]   // many small products: one per core
    [InlineData(true, false, 5, 4, 13, 6, false)]
    [InlineData(false, true, 2, 64, 70, 64, true)] // few large products: each split across the cores
    [InlineData(true, true, 3, 13, 37, 300, false)]
    public void BatchedGemmWithBroadcastOperand(bool ta, bool tb, int batch, int m, int n, int k, bool broadcastA)
    {
        var r = new System.Random(batch * 100 + m);
        int lda = ta ? m : k, ldb = tb ? k : n, ldc = n;
        long sa = broadcastA ? 0 : (long)m * k, sb = broadcastA ? (long)k * n : 0, sc = (long)m * n + 4;
        int offA = 3, offB = 5, offC = 2;
        var a = Check.Uniform(r, offA + (int)(broadcastA ? m * k : batch * sa));
        var b = Check.Uniform(r, offB + (int)(broadcastA ? batch * sb : k * n));
        var c0 = Check.Uniform(r, offC + (int)(batch * sc));
        const float alpha = 0.9f, beta = -0.4f;
        using var scope = new TensorScope();
        var ta_ = Tensor.FromArray(a, [a.Length]);
        var tb_ = Tensor.FromArray(b, [b.Length]);
        var tc = Tensor.FromArray(c0, [c0.Length]);
        Device.Cpu.Backend.Gemm(ta, tb, m, n, k, alpha, ta_.Buffer, offA, lda, sa, tb_.Buffer, offB, ldb, sb, beta, tc.Buffer, offC, ldc, sc, batch);
        var c = tc.ToArray();
        var expectedAll = (float[])c0.Clone();
        for (int i = 0; i < batch; i++)
        {
            // one batch at a time through the plain checker, with the other batches as "outside"
            var cb = (float[])expectedAll.Clone();
            int oc = offC + (int)(i * sc);
            for (int j = 0; j < m * n; j++) cb[oc + j / n * ldc + j % n] = c[oc + j / n * ldc + j % n];
            AssertGemmClose($"batch {i}", ta, tb, m, n, k, alpha, a, offA + (int)(i * sa), lda, b, offB + (int)(i * sb), ldb, beta,
                expectedAll, cb, oc, ldc);
        }
        // and nothing between or around the batches was written
        for (int i = 0; i < c.Length; i++)
        {
            int rel = i - offC;
            bool inBatch = rel >= 0 && rel % sc < m * n && rel / sc < batch;
            if (!inBatch) Assert.Equal(c0[i], c[i]);
        }
    }
}
