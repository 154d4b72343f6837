using FastRobust.Tensors;

namespace FastRobust.Autograd;

public static partial class Ops
{
    private static PoolGeometry PoolGeo(Tensor x, int kh, int kw, int sh, int sw, int ph, int pw, string name)
    {
        if (x.Rank < 3) throw new ArgumentException($"{name}: input {Tensor.ShapeString(x.Shape)} is not an image batch");
        int c = x.Shape[^3], h = x.Shape[^2], w = x.Shape[^1];
        int b = (int)(x.Count / ((long)c * h * w));
        if (kh < 1 || kw < 1 || sh < 1 || sw < 1 || h + 2 * ph < kh || w + 2 * pw < kw || 2 * ph > kh || 2 * pw > kw)
            throw new ArgumentException($"{name}: window {kh}×{kw} (stride {sh}, padding {ph}) does not fit a {h}×{w} input");
        return new PoolGeometry(b, c, h, w, kh, kw, sh, sw, ph, pw);
    }

    private static int[] PooledShape(Tensor x, in PoolGeometry g)
    {
        var s = (int[])x.Shape.Clone();
        s[^2] = g.OH;
        s[^1] = g.OW;
        return s;
    }

    /// <summary>Max pooling; stride defaults to the kernel, padding pads with −∞ (PyTorch).</summary>
    public static Tensor MaxPool2d(Tensor x, int kernel, int? stride = null, int padding = 0)
    {
        int s = stride ?? kernel;
        var g = PoolGeo(x, kernel, kernel, s, s, padding, padding, "maxpool2d");
        var y = Tensor.Empty(PooledShape(x, g), x.Device);
        var idx = IntTensor.Empty(checked((int)g.OutputCount), x.Device);
        x.B.MaxPool2dForward(g, x.Buffer, y.Buffer, idx.Buffer);
        if (!GradMode.Enabled || !x.NeedsGrad)
        {
            idx.Dispose();
            return y;
        }
        return Tape.Record(y, "maxpool2d", [x], (gy, sink) =>
        {
            var dx = Like(x);
            x.B.MaxPool2dBackward(g, gy.Buffer, idx.Buffer, dx.Buffer);
            idx.Dispose();
            sink.Add(x, dx);
        });
    }

    /// <summary>Average pooling; stride defaults to the kernel; padding counts as zeros (PyTorch's default).</summary>
    public static Tensor AvgPool2d(Tensor x, int kernel, int? stride = null, int padding = 0) =>
        AvgPool(x, kernel, kernel, stride ?? kernel, stride ?? kernel, padding, "avgpool2d");

    /// <summary>Mean over each H×W map: [.., C, H, W] → [.., C, 1, 1].</summary>
    public static Tensor GlobalAvgPool(Tensor x) => AvgPool(x, x.Shape[^2], x.Shape[^1], 1, 1, 0, "global_avgpool");

    private static Tensor AvgPool(Tensor x, int kh, int kw, int sh, int sw, int pad, string name)
    {
        var g = PoolGeo(x, kh, kw, sh, sw, pad, pad, name);
        var y = Tensor.Empty(PooledShape(x, g), x.Device);
        x.B.AvgPool2dForward(g, x.Buffer, y.Buffer);
        return Tape.Record(y, name, [x], (gy, sink) =>
        {
            var dx = Like(x);
            x.B.AvgPool2dBackward(g, gy.Buffer, dx.Buffer);
            sink.Add(x, dx);
        });
    }
}
