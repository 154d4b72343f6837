using FastRobust.Tensors;

namespace FastRobust.Autograd;

public static partial class Ops
{
    /// <summary>Sum of all elements, shape [1].</summary>
    public static Tensor Sum(Tensor x)
    {
        var y = Tensor.Empty([1], x.Device);
        x.B.ReduceRows(RowReduce.Sum, x.Buffer, y.Buffer, 1, x.Count);
        return Tape.Record(y, "sum", [x], (g, sink) => sink.Add(x, BroadcastScalar(g, x.Shape, 1f)));
    }

    public static Tensor Mean(Tensor x) => MulScalar(Sum(x), 1f / x.Count);

    /// <summary>A tensor of <paramref name="shape"/> filled with scale·g[0], computed on the device (no host read).</summary>
    internal static Tensor BroadcastScalar(Tensor g, int[] shape, float scale)
    {
        var ones = Tensor.Full(shape, scale, g.Device);
        g.B.BinaryRow(BinaryOp.Mul, ones.Buffer, g.Buffer, ones.Buffer, 1, ones.Count);
        return ones;
    }

    /// <summary>Per-row reduction of x viewed as [x.Shape[0], rest] (no gradient): per-sample norms, maxima, counts.</summary>
    public static Tensor ReduceRows(Tensor x, RowReduce op)
    {
        int rows = x.Shape[0];
        var y = Tensor.Empty([rows], x.Device);
        x.B.ReduceRows(op, x.Buffer, y.Buffer, rows, x.Count / rows);
        return y;
    }

    /// <summary>Per-row sum of x viewed as [rows, rest], differentiable.</summary>
    public static Tensor SumRows(Tensor x)
    {
        int rows = x.Shape[0];
        long cols = x.Count / rows;
        var y = Tensor.Empty([rows], x.Device);
        x.B.ReduceRows(RowReduce.Sum, x.Buffer, y.Buffer, rows, cols);
        return Tape.Record(y, "sum-rows", [x], (g, sink) =>
        {
            var dx = Tensor.Ones(x.Shape, x.Device);
            x.B.BinaryRow(BinaryOp.Mul, dx.Buffer, g.Buffer, dx.Buffer, rows, cols);
            sink.Add(x, dx);
        });
    }

    /// <summary>Index of the largest value of each row of [rows, classes] (first on ties).</summary>
    public static IntTensor ArgMax(Tensor x)
    {
        int cols = x.Shape[^1];
        int rows = (int)(x.Count / cols);
        var idx = IntTensor.Empty(rows, x.Device);
        x.B.ArgMaxRows(x.Buffer, idx.Buffer, rows, cols);
        return idx;
    }
}
