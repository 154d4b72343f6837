using FastRobust.Tensors;
using ILGPU;

namespace FastRobust.Kernels;

/// <summary>
/// One thread per element. The op arrives as an int (the UnaryOp/BinaryOp value): the switch is uniform across
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
    public static void Fill(Index1D i, ArrayView<float> y, float value) => y[i] = value;

    [Kernel]
    public static void Unary(Index1D i, ArrayView<float> x, ArrayView<float> y, int op) => y[i] = UnaryScalar(op, x[i]);

    [Kernel]
    public static void UnaryBackward(Index1D i, ArrayView<float> x, ArrayView<float> dy, ArrayView<float> dx, int op)
    {
        float v = x[i], g = dy[i];
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
        dx[i] = d;
    }

    [Kernel]
    public static void Binary(Index1D i, ArrayView<float> a, ArrayView<float> b, ArrayView<float> y, int op) =>
        y[i] = BinaryScalar(op, a[i], b[i]);

    /// <summary>y[r, j] = a[r, j] op b[r].</summary>
    [Kernel]
    public static void BinaryRow(Index1D i, ArrayView<float> a, ArrayView<float> b, ArrayView<float> y, int op, int cols) =>
        y[i] = BinaryScalar(op, a[i], b[i / cols]);

    [Kernel]
    public static void Affine(Index1D i, ArrayView<float> x, ArrayView<float> y, float a, float b) => y[i] = x[i] * a + b;

    [Kernel]
    public static void Axpby(Index1D i, ArrayView<float> x, ArrayView<float> y, float a, float b) => y[i] = a * x[i] + b * y[i];

    [Kernel]
    public static void Clamp(Index1D i, ArrayView<float> x, ArrayView<float> y, float lo, float hi) =>
        y[i] = BinaryScalar((int)BinaryOp.Min, BinaryScalar((int)BinaryOp.Max, x[i], lo), hi);

    [Kernel]
    public static void ClampBackward(Index1D i, ArrayView<float> x, ArrayView<float> dy, ArrayView<float> dx, float lo, float hi)
    {
        float v = x[i];
        dx[i] = v >= lo && v <= hi ? dy[i] : 0f;
    }

    /// <summary>y[o, c, i] = x·scale[c] + shift[c] over [outer, C, inner].</summary>
    [Kernel]
    public static void ChannelAffine(Index1D i, ArrayView<float> x, ArrayView<float> scale, ArrayView<float> shift, ArrayView<float> y,
        int channels, int inner)
    {
        int c = i / inner % channels;
        y[i] = x[i] * scale[c] + shift[c];
    }

    /// <summary>y[e, n, c, i] += bias[e, c] over [E, N, C, inner].</summary>
    [Kernel]
    public static void AddBias(Index1D i, ArrayView<float> y, ArrayView<float> bias, int n, int channels, int inner)
    {
        int plane = i / inner;
        int c = plane % channels, member = plane / (n * channels);
        y[i] += bias[member * channels + c];
    }

    [Kernel]
    public static void MaxMinBackward(Index1D i, ArrayView<float> a, ArrayView<float> b, ArrayView<float> dy,
        ArrayView<float> da, ArrayView<float> db, int max)
    {
        float va = a[i], vb = b[i], g = dy[i];
        bool toA = max != 0 ? va >= vb : va <= vb;
        da[i] = toA ? g : 0f;
        db[i] = toA ? 0f : g;
    }
}
