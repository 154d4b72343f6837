using FastRobust.Kernels;
using FastRobust.Tensors;
using ILGPU;
using ILGPU.Runtime;
using AV = ILGPU.ArrayView<float>;

namespace FastRobust.Gpu;

public sealed partial class IlgpuBackend
{
    private static ConvShape Shape(in ConvGeometry g) => new()
    {
        E = g.E, N = g.N, C = g.C, H = g.H, W = g.W, O = g.O, KH = g.KH, KW = g.KW,
        StrideH = g.StrideH, StrideW = g.StrideW, PadH = g.PadH, PadW = g.PadW, OH = g.OH, OW = g.OW,
        Broadcast = g.BroadcastInput ? 1 : 0, Splits = 1, SplitLen = 0,
        InvStrideH = 1f / g.StrideH, InvStrideW = 1f / g.StrideW,
    };

    /// <summary>The kernels compute every offset in 32 bits: input, output and weights must each stay below 2^31 elements.</summary>
    private static void CheckIndexable(in ConvGeometry g)
    {
        N((g.BroadcastInput ? 1 : g.E) * g.N * g.InputImage);
        N(g.E * g.N * g.OutputImage);
        N(g.E * g.WeightMember);
    }

    public override void Conv2dForward(in ConvGeometry g, FloatBuffer x, FloatBuffer w, FloatBuffer? bias, FloatBuffer y) =>
        LaunchForward(g, V(x), V(w), bias is null ? null : V(bias), V(y), relu: false);

    /// <summary>The ReLU in the convolution's store: one pass over y instead of three (write, read, write).</summary>
    public override void Conv2dForwardRelu(in ConvGeometry g, FloatBuffer x, FloatBuffer w, FloatBuffer? bias, FloatBuffer y) =>
        LaunchForward(g, V(x), V(w), bias is null ? null : V(bias), V(y), relu: true);

    /// <summary>Conv.Forward over views (the data gradient also runs it, on scratch weights).</summary>
    private void LaunchForward(in ConvGeometry g, AV x, AV w, AV? bias, AV y, bool relu)
    {
        long cols = (long)g.N * g.OH * g.OW;
        if (cols <= 0 || g.O <= 0 || g.E <= 0) return;
        CheckIndexable(g);
        K.ConvForward(TileGrid(Tiles(cols, TileCore.BN), Tiles(g.O, TileCore.BM), g.E), x, w, bias ?? _dummy.View, y, Shape(g),
            bias is null ? 0 : 1, relu ? 1 : 0);
    }

    /// <summary>
    /// Inputs with at most this many channels (and at most <see cref="Conv.FewChannels"/>, with C·KH·KW at most
    /// <see cref="Conv.FewStage"/>) take the direct data-gradient kernel <see cref="Conv.BackwardDataFew"/>, wider ones
    /// the tile kernel; tests set it to 0 to reach the tile kernel.
    /// </summary>
    internal int FewChannelLimit { get; set; } = Conv.FewChannels;

    /// <summary>Whether <see cref="Conv2dBackwardData"/> takes <see cref="Conv.BackwardDataFew"/> for this geometry.</summary>
    internal bool UsesFewChannelKernel(in ConvGeometry g) =>
        g.C <= Math.Min(FewChannelLimit, Conv.FewChannels) && (long)g.C * g.KH * g.KW <= Conv.FewStage;

    /// <summary>Stride-1 data gradients run as a forward convolution (<see cref="Conv.FlipWeights"/>); tests turn it off to reach the tile data-gradient kernel.</summary>
    internal bool DataGradientAsForward { get; set; } = true;

    /// <summary>
    /// Whether <see cref="Conv2dBackwardData"/> runs this geometry as a forward convolution: stride 1 (dX is then
    /// dY convolved with the flipped, channel-transposed weights, padded by K−1−pad), each member's own input (a
    /// broadcast input sums over members, which the forward kernel does not), and pad ≤ K−1.
    /// </summary>
    internal bool UsesForwardForDataGradient(in ConvGeometry g) =>
        DataGradientAsForward && g.StrideH == 1 && g.StrideW == 1 && !g.BroadcastInput && g.PadH <= g.KH - 1 && g.PadW <= g.KW - 1;

    public override void Conv2dBackwardData(in ConvGeometry g, FloatBuffer dy, FloatBuffer w, FloatBuffer dx)
    {
        long cols = (long)g.N * g.H * g.W;
        if (cols <= 0 || g.C <= 0 || g.E <= 0) return;
        CheckIndexable(g);
        int z = g.BroadcastInput ? 1 : g.E;
        if (UsesFewChannelKernel(g))
        {
            // one thread per input pixel with all C channel sums in registers, a (member, o) plane of weights at
            // least staged in shared memory (Conv.BackwardDataFew)
            K.ConvBackwardDataFew(new KernelConfig(new Index3D(Tiles(cols, _threads), 1, z), new Index3D(_threads, 1, 1)),
                V(dy), V(w), V(dx), Shape(g));
            return;
        }
        if (UsesForwardForDataGradient(g))
        {
            var asForward = new ConvGeometry(g.E, g.N, g.O, g.OH, g.OW, g.C, g.KH, g.KW, 1, 1, g.KH - 1 - g.PadH, g.KW - 1 - g.PadW, false);
            long weights = g.E * g.WeightMember;
            // scratch straight from the pool; returning it before the kernels ran is safe on the in-order stream
            var flipped = new GpuBlock(_pool, weights);
            K.ConvFlipWeights(Elements(weights), V(w), flipped.View, N(weights), g.O, g.C, g.KH, g.KW);
            LaunchForward(asForward, V(dy), flipped.View, null, V(dx), relu: false);
            flipped.Return();
            return;
        }
        K.ConvBackwardData(TileGrid(Tiles(cols, TileCore.BN), Tiles(g.C, TileCore.BM), z), V(dy), V(w), V(dx), Shape(g));
    }

    public override void Conv2dBackwardWeight(in ConvGeometry g, FloatBuffer x, FloatBuffer dy, FloatBuffer dw, FloatBuffer? dbias)
    {
        if (g.E <= 0 || g.O <= 0) return;
        CheckIndexable(g);
        var s = Shape(g);
        if (dbias != null) K.ConvBiasGrad(Blocks((long)g.E * g.O), V(dy), V(dbias), s);
        int kTotal = g.K;
        long j = (long)g.N * g.OH * g.OW;
        N(j);
        // the output [E, O, K] is small (a few thousand tiles' worth at most) while the reduction over N·OH·OW is
        // long: split the reduction so the launch fills the device, then sum the slices in a fixed order
        long tiles = (long)Tiles(kTotal, TileCore.BN) * Tiles(g.O, TileCore.BM) * g.E;
        var (splits, len) = SplitReduction(tiles, j);
        s.Splits = splits;
        s.SplitLen = len;
        var grid = TileGrid(Tiles(kTotal, TileCore.BN), Tiles(g.O, TileCore.BM), (long)g.E * splits);
        if (splits == 1)
        {
            K.ConvBackwardWeight(grid, V(x), V(dy), V(dw), s);
            return;
        }
        long size = g.E * g.WeightMember;
        // scratch straight from the pool; returning it before the kernels ran is safe on the in-order stream
        var partial = new GpuBlock(_pool, size * splits);
        K.ConvBackwardWeight(grid, V(x), V(dy), partial.View, s);
        K.SumSplits(Elements(size), partial.View, V(dw), N(size), splits);
        partial.Return();
    }
}
