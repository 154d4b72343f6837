using FastRobust.Autograd;
using FastRobust.Tensors;

namespace FastRobust.Attacks;

/// <summary>Per-sample norms of a perturbation δ = x_adv − x, computed on the device.</summary>
internal sealed record PerturbationNorms(double[] L0, double[] L1, double[] L2, double[] Linf)
{
    /// <summary>
    /// L0 counts pixel positions (of H·W) where any channel changed, as the seeds count "pixels changed at all";
    /// L1, L2 and L∞ are over all C·H·W values.
    /// </summary>
    public static PerturbationNorms Compute(Tensor adversarial, Tensor x)
    {
        using var scope = new TensorScope();
        var be = x.Device.Backend;
        int n = x.Shape[0], c = x.Shape[1], hw = x.Shape[2] * x.Shape[3];
        var delta = Tensor.Empty(x.Shape, x.Device);
        be.Binary(BinaryOp.Sub, adversarial.Buffer, x.Buffer, delta.Buffer, delta.Count);
        var l1 = Ops.ReduceRows(delta, RowReduce.SumAbs).ToArray();
        var l2 = Ops.ReduceRows(delta, RowReduce.SumSquares).ToArray();
        var linf = Ops.ReduceRows(delta, RowReduce.MaxAbs).ToArray();
        var abs = Tensor.Empty(x.Shape, x.Device);
        be.Unary(UnaryOp.Abs, delta.Buffer, abs.Buffer, abs.Count);
        var perPixel = Tensor.Empty([n, hw], x.Device);
        be.SumMiddle(abs.Buffer, perPixel.Buffer, n, c, hw, accumulate: false);
        var l0 = Ops.ReduceRows(perPixel, RowReduce.CountNonZero).ToArray();
        return new PerturbationNorms(
            l0.Select(v => (double)v).ToArray(),
            l1.Select(v => (double)v).ToArray(),
            l2.Select(v => Math.Sqrt(v)).ToArray(),
            linf.Select(v => (double)v).ToArray());
    }
}
