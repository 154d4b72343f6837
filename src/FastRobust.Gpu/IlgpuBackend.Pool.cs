using FastRobust.Kernels;
using FastRobust.Tensors;

namespace FastRobust.Gpu;

public sealed partial class IlgpuBackend
{
    private static PoolShape Shape(in PoolGeometry g) => new()
    {
        H = g.H, W = g.W, OH = g.OH, OW = g.OW, KH = g.KH, KW = g.KW,
        StrideH = g.StrideH, StrideW = g.StrideW, PadH = g.PadH, PadW = g.PadW,
    };

    public override void MaxPool2dForward(in PoolGeometry g, FloatBuffer x, FloatBuffer y, IntBuffer argmax)
    {
        if (g.OutputCount > 0) K.MaxPool(Elements(g.OutputCount), V(x), V(y), V(argmax), N(g.OutputCount), Shape(g));
    }

    public override void MaxPool2dBackward(in PoolGeometry g, FloatBuffer dy, IntBuffer argmax, FloatBuffer dx)
    {
        long inputs = (long)g.B * g.C * g.H * g.W;
        if (inputs > 0) K.MaxPoolBackward(Elements(inputs), V(dy), V(argmax), V(dx), N(inputs), Shape(g));
    }

    public override void AvgPool2dForward(in PoolGeometry g, FloatBuffer x, FloatBuffer y)
    {
        if (g.OutputCount > 0) K.AvgPool(Elements(g.OutputCount), V(x), V(y), N(g.OutputCount), Shape(g), 1f / (g.KH * g.KW));
    }

    public override void AvgPool2dBackward(in PoolGeometry g, FloatBuffer dy, FloatBuffer dx)
    {
        long inputs = (long)g.B * g.C * g.H * g.W;
        if (inputs > 0) K.AvgPoolBackward(Elements(inputs), V(dy), V(dx), N(inputs), Shape(g), 1f / (g.KH * g.KW));
    }
}
