using FastRobust.Tensors;
using Xunit;

namespace FastRobust.Gpu.Tests.Ops;

public class GemmConvAgreementTests
{
    private readonly Agreement t = new();

    public static TheoryData<bool, bool, float> GemmCases()
    {
        var d = new TheoryData<bool, bool, float>();
        foreach (bool ta in new[] { false, true })
            foreach (bool tb in new[] { false, true })
            {
                d.Add(ta, tb, 0f);
                d.Add(ta, tb, 0.5f);
            }
        return d;
    }

    /// <summary>Ragged sizes (not multiples of the 64×64×16 tile), padded leading dimensions, offsets, a batch with a broadcast operand.</summary>
    [Theory]
    [MemberData(nameof(GemmCases))]
    public void Gemm(bool transA, bool transB, float beta)
    {
        int m = t.Int(1, 80), n = t.Int(1, 80), k = t.Int(1, 45), batch = t.Int(1, 4);
        int lda = (transA ? m : k) + t.Int(0, 3), ldb = (transB ? k : n) + t.Int(0, 3), ldc = n + t.Int(0, 3);
        long aSize = (long)lda * (transA ? k : m), bSize = (long)ldb * (transB ? n : k), cSize = (long)ldc * m;
        bool broadcastA = t.Int(0, 2) == 0;
        long strideA = broadcastA ? 0 : aSize, strideB = bSize, strideC = cSize;
        int offA = t.Int(0, 5), offB = t.Int(0, 5), offC = t.Int(0, 5);
        var a = t.BothRand(offA + aSize * (broadcastA ? 1 : batch));
        var b = t.BothRand(offB + bSize * batch);
        // with beta = 0, C starts as NaN: the kernel must not read it
        var c = beta == 0f ? t.Poisoned(offC + cSize * batch) : t.BothRand(offC + cSize * batch);
        float alpha = 0.5f + (float)t.Rng.NextDouble();
        t.C.Gemm(transA, transB, m, n, k, alpha, a.Cpu, offA, lda, strideA, b.Cpu, offB, ldb, strideB, beta, c.Cpu, offC, ldc, strideC, batch);
        t.G.Gemm(transA, transB, m, n, k, alpha, a.Gpu, offA, lda, strideA, b.Gpu, offB, ldb, strideB, beta, c.Gpu, offC, ldc, strideC, batch);
        var ec = Agreement.Down(t.C, c.Cpu, offC + cSize * batch);
        var gc = Agreement.Down(t.G, c.Gpu, offC + cSize * batch);
        // compare the written [m, n] blocks only (padding columns and the offset stay as they were: NaN or random)
        var e = new List<float>();
        var g = new List<float>();
        for (int bi = 0; bi < batch; bi++)
            for (int i = 0; i < m; i++)
                for (int j = 0; j < n; j++)
                {
                    long at = offC + bi * strideC + (long)i * ldc + j;
                    e.Add(ec[at]);
                    g.Add(gc[at]);
                }
        t.Close(e.ToArray(), g.ToArray(), $"gemm {(transA ? "T" : "N")}{(transB ? "T" : "N")} {m}x{n}x{k} batch {batch}");
    }

    public static TheoryData<int, int, int, int, int, bool> ConvCases() => new()
    {
        // e, kernel height, kernel width, stride, pad, broadcast input
        { 1, 3, 3, 1, 1, false },
        { 1, 3, 3, 2, 0, false },
        { 2, 3, 3, 1, 1, false },
        { 3, 3, 3, 2, 1, true },
        { 2, 1, 1, 1, 0, true },
        { 1, 5, 5, 2, 2, false },
        { 1, 2, 2, 3, 0, false }, // stride beyond the kernel: pixels no tap reads
        { 1, 2, 3, 1, 1, false }, // non-square kernels: the kernels step (ki, kj) by hand
        { 2, 3, 1, 1, 0, true },
    };

    private ConvGeometry Geometry(int e, int kh, int kw, int s, int p, bool broadcast)
    {
        int h = t.Int(kh, 11), w = t.Int(kw, 11);
        return new ConvGeometry(e, t.Int(1, 4), t.Int(1, 6), h, w, t.Int(1, 70), kh, kw, s, s, p, p, broadcast);
    }

    [Theory]
    [MemberData(nameof(ConvCases))]
    public void Conv2d(int e, int kh, int kw, int s, int p, bool broadcast)
    {
        var g = Geometry(e, kh, kw, s, p, broadcast);
        long xCount = (broadcast ? 1 : g.E) * g.N * g.InputImage, yCount = (long)g.E * g.N * g.OutputImage;
        long wCount = g.E * g.WeightMember, bCount = (long)g.E * g.O;
        var x = t.BothRand(xCount);
        var w = t.BothRand(wCount);
        var bias = t.BothRand(bCount);
        bool withBias = t.Int(0, 2) == 0;
        var y = t.Poisoned(yCount);
        t.C.Conv2dForward(g, x.Cpu, w.Cpu, withBias ? bias.Cpu : null, y.Cpu);
        t.G.Conv2dForward(g, x.Gpu, w.Gpu, withBias ? bias.Gpu : null, y.Gpu);
        t.Close(y.Cpu, y.Gpu, yCount, $"conv forward {g}");

        var dy = t.BothRand(yCount);
        var dx = t.Poisoned(xCount);
        t.C.Conv2dBackwardData(g, dy.Cpu, w.Cpu, dx.Cpu);
        t.G.Conv2dBackwardData(g, dy.Gpu, w.Gpu, dx.Gpu);
        t.Close(dx.Cpu, dx.Gpu, xCount, $"conv backward data {g}");

        var dw = t.Poisoned(wCount);
        var db = t.Poisoned(bCount);
        t.C.Conv2dBackwardWeight(g, x.Cpu, dy.Cpu, dw.Cpu, withBias ? db.Cpu : null);
        t.G.Conv2dBackwardWeight(g, x.Gpu, dy.Gpu, dw.Gpu, withBias ? db.Gpu : null);
        t.Close(dw.Cpu, dw.Gpu, wCount, $"conv backward weight {g}");
        if (withBias) t.Close(db.Cpu, db.Gpu, bCount, $"conv backward bias {g}");
    }
}
