using FastRobust.Tensors;

namespace FastRobust.Autograd;

public static partial class Ops
{
    /// <summary>
    /// y = x·wᵀ + b. x [N, I] or [E, N, I]; w [O, I] or [E, O, I]; b [O] or [E, O] or null.
    /// A member dimension on w with none on x broadcasts x to every member.
    /// </summary>
    public static Tensor Linear(Tensor x, Tensor w, Tensor? b)
    {
        SameDevice(x, w, "linear");
        int e = w.Rank == 3 ? w.Shape[0] : 1;
        int o = w.Shape[^2], inF = w.Shape[^1];
        bool xHasE = x.Rank == 3;
        if (x.Rank is not (2 or 3) || w.Rank is not (2 or 3) || x.Shape[^1] != inF || (xHasE && x.Shape[0] != e))
            throw new ArgumentException($"linear: input {Tensor.ShapeString(x.Shape)} does not fit weight {Tensor.ShapeString(w.Shape)}");
        if (b != null && b.Count != (long)e * o)
            throw new ArgumentException($"linear: bias {Tensor.ShapeString(b.Shape)} does not fit weight {Tensor.ShapeString(w.Shape)}");
        int n = x.Shape[^2];
        bool broadcast = !xHasE && e > 1;
        bool outE = w.Rank == 3;
        var y = Tensor.Empty(outE ? [e, n, o] : [n, o], x.Device);
        var be = x.B;
        long xStride = broadcast ? 0 : (long)n * inF;
        be.Gemm(false, true, n, o, inF, 1f, x.Buffer, 0, inF, xStride, w.Buffer, 0, inF, (long)o * inF, 0f, y.Buffer, 0, o, (long)n * o, e);
        if (b != null) be.AddBias(y.Buffer, b.Buffer, e, n, o, 1);
        var inputs = b is null ? new[] { x, w } : [x, w, b];
        return Tape.Record(y, "linear", inputs, (g, sink) =>
        {
            if (sink.Needs(x))
            {
                if (!broadcast)
                {
                    var dx = Like(x);
                    be.Gemm(false, false, n, inF, o, 1f, g.Buffer, 0, o, (long)n * o, w.Buffer, 0, inF, (long)o * inF, 0f, dx.Buffer, 0, inF, (long)n * inF, e);
                    sink.Add(x, dx);
                }
                else
                {
                    using var per = Tensor.Empty([e, n, inF], x.Device);
                    be.Gemm(false, false, n, inF, o, 1f, g.Buffer, 0, o, (long)n * o, w.Buffer, 0, inF, (long)o * inF, 0f, per.Buffer, 0, inF, (long)n * inF, e);
                    var dx = Like(x);
                    be.SumMiddle(per.Buffer, dx.Buffer, 1, e, n * inF, false);
                    sink.Add(x, dx);
                }
            }
            if (sink.Needs(w))
            {
                var dw = Like(w);
                be.Gemm(true, false, o, inF, n, 1f, g.Buffer, 0, o, (long)n * o, x.Buffer, 0, inF, xStride, 0f, dw.Buffer, 0, inF, (long)o * inF, e);
                sink.Add(w, dw);
            }
            if (b != null && sink.Needs(b))
            {
                var db = Like(b);
                be.SumMiddle(g.Buffer, db.Buffer, e, n, o, false);
                sink.Add(b, db);
            }
        });
    }
}
