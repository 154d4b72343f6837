using FastRobust.Gpu.Agreement;
using FastRobust.Tensors;
using Xunit;

namespace FastRobust.Gpu.Tests.Ops;

/// <summary>
/// The ILGPU backend's own GEMM and convolution paths against the cpu backend: split-K and its rule, the few-channel
/// data gradient at its edges. The plain GEMM and convolution cases are agreement cases (src/FastRobust.Gpu/Agreement).
/// </summary>
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
        var broadcast = batch == 1 ? GemmBroadcast.None : t.Int(0, 2) == 0 ? GemmBroadcast.A : GemmBroadcast.B;
        GemmConvCases.CheckGemm(t, transA, transB, m, n, k, batch, 0.5f + (float)t.Rng.NextDouble(), beta, broadcast);
    }

    /// <summary>The same long K with enough output tiles to fill the (simulated) device: one split, the plain kernel.</summary>
    [Theory]
    [MemberData(nameof(GemmCases))]
    public void GemmLongKUnsplit(bool transA, bool transB, float beta)
    {
        int m = t.Int(129, 200), n = t.Int(129, 200), k = 2 * t.Int(65, 200) + 1, batch = t.Int(1, 3);
        Assert.Equal(1, Gpu.GemmSplit(m, n, k, batch).Splits);
        GemmConvCases.CheckGemm(t, transA, transB, m, n, k, batch, 0.5f + (float)t.Rng.NextDouble(), beta, batch == 1 ? GemmBroadcast.None : GemmBroadcast.B);
    }

    /// <summary>alpha = 0 on a shape that would split: C = beta·C, A and B (NaN here) never read.</summary>
    [Theory]
    [InlineData(0f)]
    [InlineData(0.5f)]
    public void GemmAlphaZero(float beta)
    {
        int m = t.Int(1, 65), n = t.Int(1, 65), k = 2 * t.Int(65, 200) + 1;
        Assert.True(Gpu.GemmSplit(m, n, k, 2).Splits > 1);
        GemmConvCases.CheckGemm(t, false, true, m, n, k, 2, 0f, beta, GemmBroadcast.A, nanOperands: true);
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
        GemmConvCases.CheckBackwardData(t, g, dy, w);
    }

    /// <summary>A plane of weights that does not fit the kernel's stage (C·KH·KW above Conv.FewStage) takes the tile kernel.</summary>
    [Fact]
    public void Conv2dBackwardDataFewChannelsTooLargeAPlane()
    {
        var g = new ConvGeometry(1, 1, 8, 18, 17, 2, 17, 17, 1, 1, 1, 1, false);
        Assert.True(8 * 17 * 17 > FastRobust.Kernels.Conv.FewStage);
        Assert.False(Gpu.UsesFewChannelKernel(g));
        GemmConvCases.CheckBackwardData(t, g, t.BothRand(g.N * g.OutputImage), t.BothRand(g.WeightMember));
    }
}
