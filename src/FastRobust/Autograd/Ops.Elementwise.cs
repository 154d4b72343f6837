using FastRobust.Tensors;

namespace FastRobust.Autograd;

public static partial class Ops
{
    private static Tensor UnaryOpOf(Tensor x, UnaryOp op, string name)
    {
        var y = Like(x);
        x.B.Unary(op, x.Buffer, y.Buffer, x.Count);
        return Tape.Record(y, name, [x], (g, sink) =>
        {
            if (op == UnaryOp.Sign) return; // zero gradient almost everywhere
            var dx = Like(x);
            x.B.UnaryBackward(op, x.Buffer, g.Buffer, dx.Buffer, x.Count);
            sink.Add(x, dx);
        });
    }

    public static Tensor Relu(Tensor x) => UnaryOpOf(x, UnaryOp.Relu, "relu");
    /// <summary>GELU, exact erf form (PyTorch's default).</summary>
    public static Tensor Gelu(Tensor x) => UnaryOpOf(x, UnaryOp.Gelu, "gelu");
    public static Tensor Neg(Tensor x) => UnaryOpOf(x, UnaryOp.Neg, "neg");
    public static Tensor Abs(Tensor x) => UnaryOpOf(x, UnaryOp.Abs, "abs");
    public static Tensor Exp(Tensor x) => UnaryOpOf(x, UnaryOp.Exp, "exp");
    public static Tensor Log(Tensor x) => UnaryOpOf(x, UnaryOp.Log, "log");
    public static Tensor Sqrt(Tensor x) => UnaryOpOf(x, UnaryOp.Sqrt, "sqrt");
    public static Tensor Square(Tensor x) => UnaryOpOf(x, UnaryOp.Square, "square");
    public static Tensor Tanh(Tensor x) => UnaryOpOf(x, UnaryOp.Tanh, "tanh");
    public static Tensor Sigmoid(Tensor x) => UnaryOpOf(x, UnaryOp.Sigmoid, "sigmoid");
    /// <summary>sign(x) ∈ {−1, 0, 1}; its gradient is zero.</summary>
    public static Tensor Sign(Tensor x) => UnaryOpOf(x, UnaryOp.Sign, "sign");

    public static Tensor Add(Tensor a, Tensor b) => BinaryOpOf(a, b, BinaryOp.Add, "add");
    public static Tensor Sub(Tensor a, Tensor b) => BinaryOpOf(a, b, BinaryOp.Sub, "sub");
    public static Tensor Mul(Tensor a, Tensor b) => BinaryOpOf(a, b, BinaryOp.Mul, "mul");
    public static Tensor Div(Tensor a, Tensor b) => BinaryOpOf(a, b, BinaryOp.Div, "div");
    /// <summary>Elementwise maximum; the gradient goes to the larger input (to a on ties).</summary>
    public static Tensor Maximum(Tensor a, Tensor b) => BinaryOpOf(a, b, BinaryOp.Max, "maximum");
    public static Tensor Minimum(Tensor a, Tensor b) => BinaryOpOf(a, b, BinaryOp.Min, "minimum");

    private static Tensor BinaryOpOf(Tensor a, Tensor b, BinaryOp op, string name)
    {
        SameShape(a, b, name);
        var y = Like(a);
        a.B.Binary(op, a.Buffer, b.Buffer, y.Buffer, a.Count);
        return Tape.Record(y, name, [a, b], (g, sink) =>
        {
            var be = a.B;
            long n = a.Count;
            switch (op)
            {
                case BinaryOp.Add:
                    sink.Add(a, g);
                    sink.Add(b, g);
                    break;
                case BinaryOp.Sub:
                    sink.Add(a, g);
                    if (sink.Needs(b)) { var nb = Like(b); be.Unary(UnaryOp.Neg, g.Buffer, nb.Buffer, n); sink.Add(b, nb); }
                    break;
                case BinaryOp.Mul:
                    if (sink.Needs(a)) { var da = Like(a); be.Binary(BinaryOp.Mul, g.Buffer, b.Buffer, da.Buffer, n); sink.Add(a, da); }
                    if (sink.Needs(b)) { var db = Like(b); be.Binary(BinaryOp.Mul, g.Buffer, a.Buffer, db.Buffer, n); sink.Add(b, db); }
                    break;
                case BinaryOp.Div:
                    if (sink.Needs(a)) { var da = Like(a); be.Binary(BinaryOp.Div, g.Buffer, b.Buffer, da.Buffer, n); sink.Add(a, da); }
                    if (sink.Needs(b))
                    {
                        // d(a/b)/db = −(a/b)/b
                        var db = Like(b);
                        be.Binary(BinaryOp.Div, y.Buffer, b.Buffer, db.Buffer, n);
                        be.Binary(BinaryOp.Mul, db.Buffer, g.Buffer, db.Buffer, n);
                        be.Unary(UnaryOp.Neg, db.Buffer, db.Buffer, n);
                        sink.Add(b, db);
                    }
                    break;
                default:
                    {
                        var da = Like(a);
                        var db = Like(b);
                        be.MaxMinBackward(op == BinaryOp.Max, a.Buffer, b.Buffer, g.Buffer, da.Buffer, db.Buffer, n);
                        sink.Add(a, da);
                        sink.Add(b, db);
                    }
                    break;
            }
        });
    }

    /// <summary>y = scale·x + shift.</summary>
    public static Tensor Affine(Tensor x, float scale, float shift)
    {
        var y = Like(x);
        x.B.Affine(x.Buffer, y.Buffer, x.Count, scale, shift);
        return Tape.Record(y, "affine", [x], (g, sink) =>
        {
            var dx = Like(x);
            x.B.Affine(g.Buffer, dx.Buffer, x.Count, scale, 0f);
            sink.Add(x, dx);
        });
    }

    public static Tensor AddScalar(Tensor x, float v) => Affine(x, 1f, v);
    public static Tensor MulScalar(Tensor x, float v) => Affine(x, v, 0f);

    /// <summary>Clamps into [lo, hi]; the gradient passes where lo ≤ x ≤ hi, bounds included (as torch.clamp).</summary>
    public static Tensor Clamp(Tensor x, float lo, float hi)
    {
        var y = Like(x);
        x.B.Clamp(x.Buffer, y.Buffer, x.Count, lo, hi);
        return Tape.Record(y, "clamp", [x], (g, sink) =>
        {
            var dx = Like(x);
            x.B.ClampBackward(x.Buffer, g.Buffer, dx.Buffer, x.Count, lo, hi);
            sink.Add(x, dx);
        });
    }

    /// <summary>y[r, ...] = x[r, ...] op s[r] for a per-row (per-sample) scalar s of length x.Shape[0].</summary>
    public static Tensor RowOp(Tensor x, Tensor s, BinaryOp op)
    {
        SameDevice(x, s, "row op");
        int rows = x.Shape[0];
        if (s.Count != rows) throw new ArgumentException($"row op: {s.Count} row scalars for {rows} rows");
        var y = Like(x);
        x.B.BinaryRow(op, x.Buffer, s.Buffer, y.Buffer, rows, x.Count / rows);
        if (op is not (BinaryOp.Mul or BinaryOp.Add or BinaryOp.Sub or BinaryOp.Div) && GradMode.Enabled && (x.NeedsGrad || s.NeedsGrad))
            throw new NotSupportedException("row max/min are not differentiable here");
        return Tape.Record(y, "row-op", [x, s], (g, sink) =>
        {
            var be = x.B;
            long cols = x.Count / rows;
            if (sink.Needs(x))
            {
                if (op is BinaryOp.Add or BinaryOp.Sub) sink.Add(x, g);
                else { var dx = Like(x); be.BinaryRow(op, g.Buffer, s.Buffer, dx.Buffer, rows, cols); sink.Add(x, dx); }
            }
            if (sink.Needs(s))
            {
                var prod = Like(x);
                switch (op)
                {
                    case BinaryOp.Add: be.Copy(g.Buffer, 0, prod.Buffer, 0, x.Count); break;
                    case BinaryOp.Sub: be.Unary(UnaryOp.Neg, g.Buffer, prod.Buffer, x.Count); break;
                    case BinaryOp.Mul: be.Binary(BinaryOp.Mul, g.Buffer, x.Buffer, prod.Buffer, x.Count); break;
                    default:
                        // d(x/s)/ds = −y/s
                        be.Binary(BinaryOp.Mul, g.Buffer, y.Buffer, prod.Buffer, x.Count);
                        be.BinaryRow(BinaryOp.Div, prod.Buffer, s.Buffer, prod.Buffer, rows, cols);
                        be.Unary(UnaryOp.Neg, prod.Buffer, prod.Buffer, x.Count);
                        break;
                }
                var ds = Like(s);
                be.ReduceRows(RowReduce.Sum, prod.Buffer, ds.Buffer, rows, cols);
                sink.Add(s, ds);
            }
        });
    }
}
