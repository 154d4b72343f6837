using FastRobust.Tensors;
using ILGPU;

namespace FastRobust.Kernels;

/// <summary>
/// Grid-stride loops over the elements (<see cref="Stride"/>). The op arrives as an int (the UnaryOp/BinaryOp value): the switch is uniform across
/// the launch, so it costs a few instructions, and one kernel per family keeps load time and PTX size small.
/// The formulas are those of CpuBackend.Elementwise, including how NaN and ties behave.
/// </summary>
public static class Elementwise
{
    public static float UnaryScalar(int op, float x)
    {
        if (op == (int)UnaryOp.Neg) return -x;
        if (op == (int)UnaryOp.Relu) return x > 0f ? x : 0f;
        if (op == (int)UnaryOp.Gelu) return KMath.Gelu(x);
        if (op == (int)UnaryOp.Sign) return x > 0f ? 1f : x < 0f ? -1f : 0f;
        if (op == (int)UnaryOp.Abs) return Math.Abs(x);
        if (op == (int)UnaryOp.Exp) return KMath.ExpF(x);
        if (op == (int)UnaryOp.Log) return KMath.LogF(x);
        if (op == (int)UnaryOp.Sqrt) return MathF.Sqrt(x);
        if (op == (int)UnaryOp.Square) return x * x;
        if (op == (int)UnaryOp.Tanh) return KMath.TanhF(x);
        return KMath.SigmoidF(x);
    }

    public static float BinaryScalar(int op, float a, float b)
    {
        if (op == (int)BinaryOp.Add) return a + b;
        if (op == (int)BinaryOp.Sub) return a - b;
        if (op == (int)BinaryOp.Mul) return a * b;
        if (op == (int)BinaryOp.Div) return a / b;
        // MathF.Max/Min propagate NaN; PTX max/min would drop it, so spell it out
        if (op == (int)BinaryOp.Max) return float.IsNaN(a) || float.IsNaN(b) ? float.NaN : a > b ? a : b;
        return float.IsNaN(a) || float.IsNaN(b) ? float.NaN : a < b ? a : b;
    }

    [Kernel]
    public static void Fill(ArrayView<float> y, int n, float value)
    {
        for (int i = Stride.Start; i < n; i += Stride.Step) y[i] = value;
    }

    [Kernel]
    public static void Unary(ArrayView<float> x, ArrayView<float> y, int n, int op)
    {
        for (int i = Stride.Start; i < n; i += Stride.Step) y[i] = UnaryScalar(op, x[i]);
    }

    [Kernel]
    public static void UnaryBackward(ArrayView<float> x, ArrayView<float> dy, ArrayView<float> dx, int n, int op)
    {
        for (int i = Stride.Start; i < n; i += Stride.Step) dx[i] = UnaryDerivative(op, x[i], dy[i]);
    }

    private static float UnaryDerivative(int op, float v, float g)
    {
        float d;
        if (op == (int)UnaryOp.Relu) d = v > 0f ? g : 0f;
        else if (op == (int)UnaryOp.Gelu) d = g * KMath.GeluDerivative(v);
        else if (op == (int)UnaryOp.Neg) d = -g;
        else if (op == (int)UnaryOp.Abs) d = v > 0f ? g : v < 0f ? -g : 0f;
        else if (op == (int)UnaryOp.Sign) d = 0f;
        else if (op == (int)UnaryOp.Exp) d = g * KMath.ExpF(v);
        else if (op == (int)UnaryOp.Log) d = g / v;
        else if (op == (int)UnaryOp.Sqrt) d = g * 0.5f / MathF.Sqrt(v);
        else if (op == (int)UnaryOp.Square) d = g * 2f * v;
        else if (op == (int)UnaryOp.Tanh)
        {
            float t = KMath.TanhF(v);
            d = g * (1f - t * t);
        }
        else
        {
            float s = KMath.SigmoidF(v);
            d = g * s * (1f - s);
        }
        return d;
    }

    [Kernel]
    public static void Binary(ArrayView<float> a, ArrayView<float> b, ArrayView<float> y, int n, int op)
    {
        for (int i = Stride.Start; i < n; i += Stride.Step) y[i] = BinaryScalar(op, a[i], b[i]);
    }

    /// <summary>y[r, j] = a[r, j] op b[r].</summary>
    [Kernel]
    public static void BinaryRow(ArrayView<float> a, ArrayView<float> b, ArrayView<float> y, int n, int op, int cols)
    {
        for (int i = Stride.Start; i < n; i += Stride.Step) y[i] = BinaryScalar(op, a[i], b[i / cols]);
    }

    [Kernel]
    public static void Affine(ArrayView<float> x, ArrayView<float> y, int n, float a, float b)
    {
        for (int i = Stride.Start; i < n; i += Stride.Step) y[i] = x[i] * a + b;
    }

    [Kernel]
    public static void Axpby(ArrayView<float> x, ArrayView<float> y, int n, float a, float b)
    {
        for (int i = Stride.Start; i < n; i += Stride.Step) y[i] = a * x[i] + b * y[i];
    }

    [Kernel]
    public static void Clamp(ArrayView<float> x, ArrayView<float> y, int n, float lo, float hi)
    {
        for (int i = Stride.Start; i < n; i += Stride.Step)
            y[i] = BinaryScalar((int)BinaryOp.Min, BinaryScalar((int)BinaryOp.Max, x[i], lo), hi);
    }

    [Kernel]
    public static void ClampBackward(ArrayView<float> x, ArrayView<float> dy, ArrayView<float> dx, int n, float lo, float hi)
    {
        for (int i = Stride.Start; i < n; i += Stride.Step)
        {
            float v = x[i];
            dx[i] = v >= lo && v <= hi ? dy[i] : 0f;
        }
    }

    /// <summary>y[o, c, i] = x·scale[c] + shift[c] over [outer, C, inner].</summary>
    [Kernel]
    public static void ChannelAffine(ArrayView<float> x, ArrayView<float> scale, ArrayView<float> shift, ArrayView<float> y,
        int n, int channels, int inner)
    {
        for (int i = Stride.Start; i < n; i += Stride.Step)
        {
            int c = i / inner % channels;
            y[i] = x[i] * scale[c] + shift[c];
        }
    }

    /// <summary>y[e, n, c, i] += bias[e, c] over [E, N, C, inner].</summary>
    [Kernel]
    public static void AddBias(ArrayView<float> y, ArrayView<float> bias, int count, int n, int channels, int inner)
    {
        for (int i = Stride.Start; i < count; i += Stride.Step)
        {
            int plane = i / inner;
            int c = plane % channels, member = plane / (n * channels);
            y[i] += bias[member * channels + c];
        }
    }

    [Kernel]
    public static void MaxMinBackward(ArrayView<float> a, ArrayView<float> b, ArrayView<float> dy,
        ArrayView<float> da, ArrayView<float> db, int n, int max)
    {
        for (int i = Stride.Start; i < n; i += Stride.Step)
        {
            float va = a[i], vb = b[i], g = dy[i];
            bool toA = max != 0 ? va >= vb : va <= vb;
            da[i] = toA ? g : 0f;
            db[i] = toA ? 0f : g;
        }
    }
}
