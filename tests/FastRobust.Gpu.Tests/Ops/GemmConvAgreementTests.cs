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

    private IlgpuBackend Gpu => (IlgpuBackend)t.G;

    private enum Broadcast { None, A, B }

    /// <summary>Ragged sizes (not multiples of the 64×64×16 tile), padded leading dimensions, offsets, a batch with a broadcast operand.</summary>
    [Theory]
    [MemberData(nameof(GemmCases))]
    public void Gemm(bool transA, bool transB, float beta)
    {
        int m = t.Int(1, 80), n = t.Int(1, 80), k = t.Int(1, 45), batch = t.Int(1, 4);
        // a reduction this short is never split
        Assert.Equal(1, Gpu.GemmSplit(m, n, k, batch).Splits);
        CheckGemm(transA, transB, m, n, k, batch, 0.5f + (float)t.Rng.NextDouble(), beta, t.Int(0, 2) == 0 ? Broadcast.A : Broadcast.None);
    }

    /// <summary>
    /// Split-K: at most 3 output tiles against a long, ragged K (odd, so never a multiple of the 16-aligned split
    /// length). ilgpu-cpu simulates one multiprocessor, so the backend aims for 4 groups and must split these.
    /// </summary>
    [Theory]
    [MemberData(nameof(GemmCases))]
    public void GemmSplitK(bool transA, bool transB, float beta)
    {
        int m = t.Int(1, 129), n = t.Int(1, 65);
        if (t.Int(0, 2) == 0) (m, n) = (n, m);
        int tiles = ((m + 63) / 64) * ((n + 63) / 64);
        int batch = t.Int(1, 4 / tiles), k = 2 * t.Int(65, 200) + 1;
        var (splits, len) = Gpu.GemmSplit(m, n, k, batch);
        Assert.True(splits > 1, $"{m}x{n}x{k} batch {batch}: {splits} split(s)");
        Assert.NotEqual(0, k % len);
        var broadcast = batch == 1 ? Broadcast.None : t.Int(0, 2) == 0 ? Broadcast.A : Broadcast.B;
        CheckGemm(transA, transB, m, n, k, batch, 0.5f + (float)t.Rng.NextDouble(), beta, broadcast);
    }

    /// <summary>The same long K with enough output tiles to fill the (simulated) device: one split, the plain kernel.</summary>
    [Theory]
    [MemberData(nameof(GemmCases))]
    public void GemmLongKUnsplit(bool transA, bool transB, float beta)
    {
        int m = t.Int(129, 200), n = t.Int(129, 200), k = 2 * t.Int(65, 200) + 1, batch = t.Int(1, 3);
        Assert.Equal(1, Gpu.GemmSplit(m, n, k, batch).Splits);
        CheckGemm(transA, transB, m, n, k, batch, 0.5f + (float)t.Rng.NextDouble(), beta, batch == 1 ? Broadcast.None : Broadcast.B);
    }

    /// <summary>alpha = 0 on a shape that would split: C = beta·C, A and B (NaN here) never read.</summary>
    [Theory]
    [InlineData(0f)]
    [InlineData(0.5f)]
    public void GemmAlphaZero(float beta)
    {
        int m = t.Int(1, 65), n = t.Int(1, 65), k = 2 * t.Int(65, 200) + 1;
        Assert.True(Gpu.GemmSplit(m, n, k, 2).Splits > 1);
        CheckGemm(false, true, m, n, k, 2, 0f, beta, Broadcast.A, nanOperands: true);
    }

    /// <summary>
    /// op(A)·op(B) on both backends from the same random operands (NaN with <paramref name="nanOperands"/>), C's
    /// [m, n] blocks poisoned with NaN when beta = 0, then the written blocks compared; everything of C outside the
    /// blocks (the offset, the padding columns of ldc) holds a sentinel that neither backend may change.
    /// </summary>
    private void CheckGemm(bool transA, bool transB, int m, int n, int k, int batch, float alpha, float beta, Broadcast broadcast,
        bool nanOperands = false)
    {
        int lda = (transA ? m : k) + t.Int(0, 3), ldb = (transB ? k : n) + t.Int(0, 3), ldc = n + t.Int(0, 3);
        long aSize = (long)lda * (transA ? k : m), bSize = (long)ldb * (transB ? n : k), cSize = (long)ldc * m;
        long strideA = broadcast == Broadcast.A ? 0 : aSize, strideB = broadcast == Broadcast.B ? 0 : bSize, strideC = cSize;
        int offA = t.Int(0, 5), offB = t.Int(0, 5), offC = t.Int(0, 5);
        long aCount = offA + aSize * (broadcast == Broadcast.A ? 1 : batch), bCount = offB + bSize * (broadcast == Broadcast.B ? 1 : batch);
        var a = nanOperands ? t.Poisoned(aCount) : t.BothRand(aCount);
        var b = nanOperands ? t.Poisoned(bCount) : t.BothRand(bCount);
        long cCount = offC + cSize * batch;
        var inBlock = new bool[cCount];
        for (int bi = 0; bi < batch; bi++)
            for (int i = 0; i < m; i++)
                for (int j = 0; j < n; j++)
                    inBlock[offC + bi * strideC + (long)i * ldc + j] = true;
        // with beta = 0, C's blocks start as NaN: the kernel must not read them
        const float sentinel = -12345.5f;
        var c0 = t.Rand(cCount);
        for (long i = 0; i < cCount; i++) c0[i] = !inBlock[i] ? sentinel : beta == 0f ? float.NaN : c0[i];
        var c = t.Both(c0);
        t.C.Gemm(transA, transB, m, n, k, alpha, a.Cpu, offA, lda, strideA, b.Cpu, offB, ldb, strideB, beta, c.Cpu, offC, ldc, strideC, batch);
        t.G.Gemm(transA, transB, m, n, k, alpha, a.Gpu, offA, lda, strideA, b.Gpu, offB, ldb, strideB, beta, c.Gpu, offC, ldc, strideC, batch);
        var ec = Agreement.Down(t.C, c.Cpu, cCount);
        var gc = Agreement.Down(t.G, c.Gpu, cCount);
        string what = $"gemm {(transA ? "T" : "N")}{(transB ? "T" : "N")} {m}x{n}x{k} batch {batch} ldc {ldc} offset {offC} broadcast {broadcast} alpha {alpha} beta {beta}";
        var e = new List<float>();
        var g = new List<float>();
        for (long i = 0; i < cCount; i++)
        {
            if (inBlock[i])
            {
                e.Add(ec[i]);
                g.Add(gc[i]);
                continue;
            }
            Assert.True(ec[i] == sentinel, $"{what}: cpu wrote {ec[i]} outside the output, at {i} (seed {t.Seed})");
            Assert.True(gc[i] == sentinel, $"{what}: ilgpu-cpu wrote {gc[i]} outside the output, at {i} (seed {t.Seed})");
        }
        Assert.DoesNotContain(e, float.IsNaN);
        t.Close(e.ToArray(), g.ToArray(), what);
    }

    /// <summary>Split GEMMs in a loop take their scratch from the pool: nothing is allocated after the first call.</summary>
    [Fact]
    public void SplitGemmLoopAllocatesNothingAfterTheFirstCall()
    {
        int m = 50, n = 70, k = 301, batch = 1;
        Assert.True(Gpu.GemmSplit(m, n, k, batch).Splits > 1);
        var a = Agreement.Up(t.G, t.Rand((long)m * k));
        var b = Agreement.Up(t.G, t.Rand((long)k * n));
        var c = Agreement.Up(t.G, t.Rand((long)m * n));
        t.G.Gemm(false, false, m, n, k, 1f, a, 0, k, 0, b, 0, n, 0, 0f, c, 0, n, 0, batch);
        long after = Gpu.Allocations;
        for (int i = 0; i < 5; i++)
            t.G.Gemm(false, false, m, n, k, 1f, a, 0, k, 0, b, 0, n, 0, 0.5f, c, 0, n, 0, batch);
        Assert.Equal(after, Gpu.Allocations);
    }

    /// <summary>
    /// The split rule on concrete shapes: 4 groups per multiprocessor, slices at least 64 deep and 16-aligned; and the
    /// reference CNN's linear layers on a 132-multiprocessor H100 as docs/engine.md quotes them.
    /// </summary>
    [Fact]
    public void TheSplitRule()
    {
        Assert.Equal((4, 256), IlgpuBackend.GemmSplit(64, 64, 1000, 1, 1)); // 1 tile, 4 groups wanted: 250 -> 256
        Assert.Equal((2, 64), IlgpuBackend.GemmSplit(64, 64, 100, 1, 1)); // at least 64 deep
        Assert.Equal((1, 64), IlgpuBackend.GemmSplit(64, 64, 64, 1, 1)); // too short to split
        Assert.Equal((1, 1000), IlgpuBackend.GemmSplit(128, 128, 1000, 1, 1)); // 4 tiles fill it
        Assert.Equal((1, 0), IlgpuBackend.GemmSplit(64, 64, 0, 1, 1)); // alpha = 0: nothing to reduce
        // fc 4096 -> 256, forward [B, 4096]·[256, 4096]ᵀ: 8 tiles at batch 128, 32 at 512 -> 512 groups each
        Assert.Equal((64, 64), IlgpuBackend.GemmSplit(128, 256, 4096, 1, 132));
        Assert.Equal((16, 256), IlgpuBackend.GemmSplit(512, 256, 4096, 1, 132));
        // its weight gradient [256, B]·[B, 4096]: 256 tiles
        Assert.Equal((2, 64), IlgpuBackend.GemmSplit(256, 4096, 128, 1, 132));
        Assert.Equal((3, 176), IlgpuBackend.GemmSplit(256, 4096, 512, 1, 132));
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
        CheckBackwardData(t, g, dy, w);

        var dw = t.Poisoned(wCount);
        var db = t.Poisoned(bCount);
        t.C.Conv2dBackwardWeight(g, x.Cpu, dy.Cpu, dw.Cpu, withBias ? db.Cpu : null);
        t.G.Conv2dBackwardWeight(g, x.Gpu, dy.Gpu, dw.Gpu, withBias ? db.Gpu : null);
        t.Close(dw.Cpu, dw.Gpu, wCount, $"conv backward weight {g}");
        if (withBias) t.Close(db.Cpu, db.Gpu, bCount, $"conv backward bias {g}");
    }

    /// <summary>
    /// The data gradient on every GPU path that can take the geometry, against the cpu backend, dX poisoned with NaN:
    /// the path the backend picks, the tile data-gradient kernel (FewChannelLimit = 0, DataGradientAsForward off),
    /// and for stride 1 the forward kernel on flipped weights (Conv.FlipWeights).
    /// </summary>
    internal static void CheckBackwardData(Agreement t, ConvGeometry g, (FloatBuffer Cpu, FloatBuffer Gpu) dy, (FloatBuffer Cpu, FloatBuffer Gpu) w)
    {
        var gpu = (IlgpuBackend)t.G;
        long xCount = (g.BroadcastInput ? 1 : g.E) * g.N * g.InputImage;
        var dx = t.Poisoned(xCount);
        t.C.Conv2dBackwardData(g, dy.Cpu, w.Cpu, dx.Cpu);
        string path = gpu.UsesFewChannelKernel(g) ? "few-channel" : gpu.UsesForwardForDataGradient(g) ? "forward on flipped weights" : "tile";
        t.G.Conv2dBackwardData(g, dy.Gpu, w.Gpu, dx.Gpu);
        t.Close(dx.Cpu, dx.Gpu, xCount, $"conv backward data ({path} kernel) {g}");
        int limit = gpu.FewChannelLimit;
        bool asForward = gpu.DataGradientAsForward;
        try
        {
            gpu.FewChannelLimit = 0;
            gpu.DataGradientAsForward = false;
            Assert.False(gpu.UsesFewChannelKernel(g) || gpu.UsesForwardForDataGradient(g));
            var tiled = t.Poisoned(xCount);
            t.G.Conv2dBackwardData(g, dy.Gpu, w.Gpu, tiled.Gpu);
            t.Close(dx.Cpu, tiled.Gpu, xCount, $"conv backward data (tile kernel) {g}");
            gpu.DataGradientAsForward = true;
            if (gpu.UsesForwardForDataGradient(g))
            {
                var flipped = t.Poisoned(xCount);
                t.G.Conv2dBackwardData(g, dy.Gpu, w.Gpu, flipped.Gpu);
                t.Close(dx.Cpu, flipped.Gpu, xCount, $"conv backward data (forward on flipped weights) {g}");
            }
        }
        finally
        {
            gpu.FewChannelLimit = limit;
            gpu.DataGradientAsForward = asForward;
        }
    }

    public static TheoryData<int, int, int, int, int, int, bool> FewChannelCases() => new()
    {
        // e, input channels, kernel height, kernel width, stride, pad, broadcast input
        { 1, 1, 3, 3, 1, 1, false },
        { 1, 3, 3, 3, 1, 1, false }, // the reference CNN's first layer
        { 2, 3, 3, 3, 2, 1, false },
        { 3, 3, 3, 3, 1, 1, true }, // the members are part of the reduction
        { 3, 2, 2, 3, 2, 0, true },
        { 1, 8, 3, 3, 1, 2, false },
        { 2, 8, 2, 3, 3, 1, false }, // stride beyond the kernel's width
        { 1, 4, 5, 5, 3, 2, false },
        { 1, 9, 3, 3, 1, 1, false }, // one channel too many: the tile kernel
        { 2, 9, 2, 3, 2, 0, true },
    };

    /// <summary>
    /// The few-channel data gradient at its edges: C = 1, 3, 8 (and 9, routed to the tile kernel), a broadcast input,
    /// strides 1 to 3, padding 0 to 2, non-square kernels, ragged H and W, and (C ≥ 4) enough output channels that
    /// the weights are staged in several chunks of whole (member, o) planes (Conv.FewStage).
    /// </summary>
    [Theory]
    [MemberData(nameof(FewChannelCases))]
    public void Conv2dBackwardDataFewChannels(int e, int c, int kh, int kw, int s, int p, bool broadcast)
    {
        // from 4 channels on, 70 output channels make the kernel stage each member's weights in several chunks
        int o = c >= 4 ? 70 : t.Int(1, 40);
        Assert.Equal(c >= 4 && c <= 8, c <= 8 && FastRobust.Kernels.Conv.FewStage / (c * kh * kw) < o);
        var g = new ConvGeometry(e, t.Int(1, 4), c, t.Int(kh, 13), t.Int(kw, 13), o, kh, kw, s, s, p, p, broadcast);
        Assert.Equal(c <= 8, Gpu.UsesFewChannelKernel(g));
        var w = t.BothRand(g.E * g.WeightMember);
        var dy = t.BothRand((long)g.E * g.N * g.OutputImage);
        CheckBackwardData(t, g, dy, w);
    }

    /// <summary>A plane of weights that does not fit the kernel's stage (C·KH·KW above Conv.FewStage) takes the tile kernel.</summary>
    [Fact]
    public void Conv2dBackwardDataFewChannelsTooLargeAPlane()
    {
        var g = new ConvGeometry(1, 1, 8, 18, 17, 2, 17, 17, 1, 1, 1, 1, false);
        Assert.True(8 * 17 * 17 > FastRobust.Kernels.Conv.FewStage);
        Assert.False(Gpu.UsesFewChannelKernel(g));
        CheckBackwardData(t, g, t.BothRand(g.N * g.OutputImage), t.BothRand(g.WeightMember));
    }
}
