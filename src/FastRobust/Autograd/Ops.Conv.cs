using FastRobust.Tensors;

namespace FastRobust.Autograd;

public static partial class Ops
{
    /// <summary>
    /// 2-D convolution (cross-correlation, as PyTorch). x [N, C, H, W] or [E, N, C, H, W]; w [O, C, KH, KW] or
    /// [E, O, C, KH, KW]; bias [O] or [E, O] or null.
    /// </summary>
    public static Tensor Conv2d(Tensor x, Tensor w, Tensor? bias, int stride = 1, int padding = 0) =>
        Conv2d(x, w, bias, stride, stride, padding, padding);

    /// <summary>relu(conv2d(...)) as one op: the backend applies the ReLU in the convolution's store, and the backward
    /// masks the incoming gradient with y &gt; 0 (the same as pre-activation &gt; 0) before the convolution's backward.</summary>
    public static Tensor Conv2dRelu(Tensor x, Tensor w, Tensor? bias, int stride = 1, int padding = 0) =>
        Conv2d(x, w, bias, stride, stride, padding, padding, relu: true);

    public static Tensor Conv2d(Tensor x, Tensor w, Tensor? bias, int strideH, int strideW, int padH, int padW, bool relu = false)
    {
        SameDevice(x, w, "conv2d");
        if (w.Rank is not (4 or 5) || x.Rank is not (4 or 5))
            throw new ArgumentException($"conv2d: input {Tensor.ShapeString(x.Shape)} and weight {Tensor.ShapeString(w.Shape)} must be 4-D or 5-D");
        int e = w.Rank == 5 ? w.Shape[0] : 1;
        bool xHasE = x.Rank == 5;
        int o = w.Shape[^4], c = w.Shape[^3], kh = w.Shape[^2], kw = w.Shape[^1];
        int n = x.Shape[^4], h = x.Shape[^2], wd = x.Shape[^1];
        if (x.Shape[^3] != c || (xHasE && x.Shape[0] != e))
            throw new ArgumentException($"conv2d: input {Tensor.ShapeString(x.Shape)} does not fit weight {Tensor.ShapeString(w.Shape)}");
        if (bias != null && bias.Count != (long)e * o)
            throw new ArgumentException($"conv2d: bias {Tensor.ShapeString(bias.Shape)} does not fit weight {Tensor.ShapeString(w.Shape)}");
        if (strideH < 1 || strideW < 1 || padH < 0 || padW < 0 || h + 2 * padH < kh || wd + 2 * padW < kw)
            throw new ArgumentException($"conv2d: kernel {kh}×{kw} with stride {strideH}, padding {padH} does not fit a {h}×{wd} input");
        var g = new ConvGeometry(e, n, c, h, wd, o, kh, kw, strideH, strideW, padH, padW, BroadcastInput: !xHasE && e > 1);
        bool outE = w.Rank == 5;
        var y = Tensor.Empty(outE ? [e, n, o, g.OH, g.OW] : [n, o, g.OH, g.OW], x.Device);
        var be = x.B;
        if (relu) be.Conv2dForwardRelu(g, x.Buffer, w.Buffer, bias?.Buffer, y.Buffer);
        else be.Conv2dForward(g, x.Buffer, w.Buffer, bias?.Buffer, y.Buffer);
        var inputs = bias is null ? new[] { x, w } : [x, w, bias];
        return Tape.Record(y, relu ? "conv2d+relu" : "conv2d", inputs, (gy, sink) =>
        {
            if (relu)
            {
                var masked = Like(y);
                be.UnaryBackward(UnaryOp.Relu, y.Buffer, gy.Buffer, masked.Buffer, y.Count);
                gy = masked;
            }
            if (sink.Needs(x))
            {
                var dx = Like(x);
                be.Conv2dBackwardData(g, gy.Buffer, w.Buffer, dx.Buffer);
                sink.Add(x, dx);
            }
            bool needW = sink.Needs(w), needB = bias != null && sink.Needs(bias);
            if (needW || needB)
            {
                var dw = Like(w);
                var db = needB ? Like(bias!) : null;
                be.Conv2dBackwardWeight(g, x.Buffer, gy.Buffer, dw.Buffer, db?.Buffer);
                if (needW) sink.Add(w, dw);
                if (db != null) sink.Add(bias!, db);
            }
        });
    }
}
