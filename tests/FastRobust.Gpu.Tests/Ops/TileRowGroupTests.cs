using FastRobust.Gpu.Agreement;
using FastRobust.Kernels;
using FastRobust.Tensors;
using Xunit;

namespace FastRobust.Gpu.Tests.Ops;

/// <summary>
/// The tile kernels skip the accumulator rows of a tile that lie past M (TileCore.RowGroups): both micro-kernels
/// (4 and 8 accumulator rows) are reached here on purpose, at the edges of their ranges, through the GEMM
/// (M = rows of C), the convolution forward and weight gradient (M = output channels) and the data gradient
/// (M = input channels), and checked against the cpu backend.
/// </summary>
public class TileRowGroupTests
{
    private readonly Agreement t = new();

    /// <summary>M values at both edges of both variants, and tiles after the first (65..71 leave 1..7 rows).</summary>
    public static TheoryData<int> Rows() => new() { 1, 3, 8, 9, 16, 17, 31, 32, 33, 63, 64, 65, 71, 96 };

    [Fact]
    public void RowGroupsCoverTheLiveRows()
    {
        for (int rows = 1; rows <= 200; rows++)
        {
            int g = TileCore.RowGroups(rows);
            Assert.True(g == 8 || (g == 4 && rows <= 32), $"rows {rows}: {g} accumulator rows");
            Assert.True(g == 4 || rows > 32, $"rows {rows}: {g} accumulator rows where 4 cover them");
        }
    }

    /// <summary>Every accumulator row and column maps to a distinct tile row: the layout covers the 64×64 tile once.</summary>
    [Fact]
    public void TheThreadLayoutCoversTheTileOnce()
    {
        var seen = new HashSet<int>();
        for (int t = 0; t < 8; t++)
            for (int i = 0; i < 8; i++)
                Assert.True(seen.Add(TileCore.Row(t, i)), $"row {TileCore.Row(t, i)} twice");
        Assert.Equal(Enumerable.Range(0, 64), seen.Order());
        for (int t = 0; t < 8; t++)
            for (int i = 0; i < 4; i++)
                Assert.True(TileCore.Row(t, i) < 32, "the first four accumulator rows are the tile's rows 0..31");
    }

    [Theory]
    [MemberData(nameof(Rows))]
    public void GemmWithMRows(int m)
    {
        int n = t.Int(1, 70), k = t.Int(1, 40);
        var a = t.BothRand((long)m * k);
        var b = t.BothRand((long)k * n);
        var c = t.Poisoned((long)m * n);
        t.C.Gemm(false, false, m, n, k, 1f, a.Cpu, 0, k, 0, b.Cpu, 0, n, 0, 0f, c.Cpu, 0, n, 0, 1);
        t.G.Gemm(false, false, m, n, k, 1f, a.Gpu, 0, k, 0, b.Gpu, 0, n, 0, 0f, c.Gpu, 0, n, 0, 1);
        t.Close(c.Cpu, c.Gpu, (long)m * n, $"gemm m={m} n={n} k={k}");
    }

    [Theory]
    [MemberData(nameof(Rows))]
    public void ConvolutionWithMChannels(int channels)
    {
        // forward and weight gradient: M = output channels; data gradient: M = input channels
        var g = new ConvGeometry(1, t.Int(1, 3), channels, t.Int(3, 8), t.Int(3, 8), channels, 3, 3, 1, 1, 1, 1, false);
        long xCount = g.N * g.InputImage, yCount = g.N * g.OutputImage, wCount = g.WeightMember;
        var x = t.BothRand(xCount);
        var w = t.BothRand(wCount);
        var y = t.Poisoned(yCount);
        t.C.Conv2dForward(g, x.Cpu, w.Cpu, null, y.Cpu);
        t.G.Conv2dForward(g, x.Gpu, w.Gpu, null, y.Gpu);
        t.Close(y.Cpu, y.Gpu, yCount, $"conv forward {g}");

        // the tile kernel too where the data gradient would take the few-channel kernel (C ≤ 8)
        var dy = t.BothRand(yCount);
        GemmConvCases.CheckBackwardData(t, g, dy, w);

        var dw = t.Poisoned(wCount);
        t.C.Conv2dBackwardWeight(g, x.Cpu, dy.Cpu, dw.Cpu, null);
        t.G.Conv2dBackwardWeight(g, x.Gpu, dy.Gpu, dw.Gpu, null);
        t.Close(dw.Cpu, dw.Gpu, wCount, $"conv backward weight {g}");
    }
}
