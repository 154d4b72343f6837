using FastRobust.Tensors;

namespace FastRobust.Autograd;

public static partial class Ops
{
    /// <summary>
    /// log softmax over the last dimension, differentiable: y = z − max(z) − log Σ exp(z − max(z)) per row;
    /// the backward pass is dz = g − softmax(z)·Σ g (per row). TRADES' KL term is built from it.
    /// </summary>
    public static Tensor LogSoftmax(Tensor logits)
    {
        int k = logits.Shape[^1];
        int rows = (int)(logits.Count / k);
        var be = logits.B;
        var y = Like(logits);
        using (var max = Tensor.Empty([rows], logits.Device))
        using (var sum = Tensor.Empty([rows], logits.Device))
        using (var e = Tensor.Empty(logits.Shape, logits.Device))
        {
            be.ReduceRows(RowReduce.Max, logits.Buffer, max.Buffer, rows, k);
            be.BinaryRow(BinaryOp.Sub, logits.Buffer, max.Buffer, y.Buffer, rows, k);
            be.Unary(UnaryOp.Exp, y.Buffer, e.Buffer, logits.Count);
            be.ReduceRows(RowReduce.Sum, e.Buffer, sum.Buffer, rows, k);
            be.Unary(UnaryOp.Log, sum.Buffer, sum.Buffer, rows);
            be.BinaryRow(BinaryOp.Sub, y.Buffer, sum.Buffer, y.Buffer, rows, k);
        }
        return Tape.Record(y, "log-softmax", [logits], (g, sink) =>
        {
            var dz = Like(logits);
            using var p = Tensor.Empty(logits.Shape, logits.Device);
            using var gs = Tensor.Empty([rows], logits.Device);
            be.Unary(UnaryOp.Exp, y.Buffer, p.Buffer, logits.Count);
            be.ReduceRows(RowReduce.Sum, g.Buffer, gs.Buffer, rows, k);
            be.BinaryRow(BinaryOp.Mul, p.Buffer, gs.Buffer, p.Buffer, rows, k);
            be.Binary(BinaryOp.Sub, g.Buffer, p.Buffer, dz.Buffer, logits.Count);
            sink.Add(logits, dz);
        });
    }
}
