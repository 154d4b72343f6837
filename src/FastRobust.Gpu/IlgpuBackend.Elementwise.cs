using FastRobust.Tensors;

namespace FastRobust.Gpu;

public sealed partial class IlgpuBackend
{
    public override void Unary(UnaryOp op, FloatBuffer x, FloatBuffer y, long n)
    {
        if (n > 0) K.Unary(Elements(n), V(x), V(y), N(n), (int)op);
    }

    public override void UnaryBackward(UnaryOp op, FloatBuffer x, FloatBuffer dy, FloatBuffer dx, long n)
    {
        if (n > 0) K.UnaryBackward(Elements(n), V(x), V(dy), V(dx), N(n), (int)op);
    }

    public override void Binary(BinaryOp op, FloatBuffer a, FloatBuffer b, FloatBuffer y, long n)
    {
        if (n > 0) K.Binary(Elements(n), V(a), V(b), V(y), N(n), (int)op);
    }

    public override void BinaryRow(BinaryOp op, FloatBuffer a, FloatBuffer b, FloatBuffer y, int rows, long cols)
    {
        if (rows > 0 && cols > 0) K.BinaryRow(Elements(rows * cols), V(a), V(b), V(y), N(rows * cols), (int)op, N(cols));
    }

    public override void Affine(FloatBuffer x, FloatBuffer y, long n, float a, float b)
    {
        if (n > 0) K.Affine(Elements(n), V(x), V(y), N(n), a, b);
    }

    public override void Axpby(FloatBuffer x, FloatBuffer y, long n, float a, float b)
    {
        if (n > 0) K.Axpby(Elements(n), V(x), V(y), N(n), a, b);
    }

    public override void Clamp(FloatBuffer x, FloatBuffer y, long n, float lo, float hi)
    {
        if (n > 0) K.Clamp(Elements(n), V(x), V(y), N(n), lo, hi);
    }

    public override void ChannelAffine(FloatBuffer x, FloatBuffer scale, FloatBuffer shift, FloatBuffer y, int outer, int channels, int inner)
    {
        long n = (long)outer * channels * inner;
        if (n > 0) K.ChannelAffine(Elements(n), V(x), V(scale), V(shift), V(y), N(n), channels, inner);
    }

    public override void MaxMinBackward(bool max, FloatBuffer a, FloatBuffer b, FloatBuffer dy, FloatBuffer da, FloatBuffer db, long n)
    {
        if (n > 0) K.MaxMinBackward(Elements(n), V(a), V(b), V(dy), V(da), V(db), N(n), max ? 1 : 0);
    }

    public override void ClampBackward(FloatBuffer x, FloatBuffer dy, FloatBuffer dx, long n, float lo, float hi)
    {
        if (n > 0) K.ClampBackward(Elements(n), V(x), V(dy), V(dx), N(n), lo, hi);
    }

    public override void AddBias(FloatBuffer y, FloatBuffer bias, int e, int n, int channels, int inner)
    {
        long count = (long)e * n * channels * inner;
        if (count > 0) K.AddBias(Elements(count), V(y), V(bias), N(count), n, channels, inner);
    }
}
