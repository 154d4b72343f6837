using System.Runtime.Intrinsics;
using FastRobust.Tensors;
using FastRobust.Util;

namespace FastRobust.Backends.Cpu;

public sealed unsafe partial class CpuBackend
{
    private static float UnaryScalar(UnaryOp op, float x) => op switch
    {
        UnaryOp.Neg => -x,
        UnaryOp.Relu => x > 0f ? x : 0f,
        UnaryOp.Gelu => GeluMath.Gelu(x),
        UnaryOp.Sign => x > 0f ? 1f : x < 0f ? -1f : 0f,
        UnaryOp.Abs => MathF.Abs(x),
        UnaryOp.Exp => MathF.Exp(x),
        UnaryOp.Log => MathF.Log(x),
        UnaryOp.Sqrt => MathF.Sqrt(x),
        UnaryOp.Square => x * x,
        UnaryOp.Tanh => MathF.Tanh(x),
        UnaryOp.Sigmoid => 1f / (1f + MathF.Exp(-x)),
        _ => throw new ArgumentOutOfRangeException(nameof(op)),
    };

    public override void Unary(UnaryOp op, FloatBuffer x, FloatBuffer y, long n)
    {
        float* xs = P(x), ys = P(y);
        CpuParallel.ForRange(n, (s, e) =>
        {
            long i = s;
            if (op is UnaryOp.Relu or UnaryOp.Neg or UnaryOp.Abs or UnaryOp.Square or UnaryOp.Sqrt)
            {
                for (; i + 8 <= e; i += 8)
                {
                    var v = Vector256.Load(xs + i);
                    v = op switch
                    {
                        UnaryOp.Relu => Vector256.Max(v, Vector256<float>.Zero),
                        UnaryOp.Neg => -v,
                        UnaryOp.Abs => Vector256.Abs(v),
                        UnaryOp.Square => v * v,
                        _ => Vector256.Sqrt(v),
                    };
                    Vector256.Store(v, ys + i);
                }
            }
            for (; i < e; i++) ys[i] = UnaryScalar(op, xs[i]);
        }, op is UnaryOp.Gelu or UnaryOp.Exp or UnaryOp.Log or UnaryOp.Tanh or UnaryOp.Sigmoid ? 16 : 1);
    }

    public override void UnaryBackward(UnaryOp op, FloatBuffer x, FloatBuffer dy, FloatBuffer dx, long n)
    {
        float* xs = P(x), g = P(dy), d = P(dx);
        CpuParallel.ForRange(n, (s, e) =>
        {
            long i = s;
            if (op == UnaryOp.Relu)
            {
                for (; i + 8 <= e; i += 8)
                {
                    var mask = Vector256.GreaterThan(Vector256.Load(xs + i), Vector256<float>.Zero);
                    Vector256.Store(Vector256.BitwiseAnd(mask, Vector256.Load(g + i)), d + i);
                }
            }
            for (; i < e; i++)
            {
                float v = xs[i];
                d[i] = op switch
                {
                    UnaryOp.Relu => v > 0f ? g[i] : 0f,
                    UnaryOp.Gelu => g[i] * GeluMath.GeluDerivative(v),
                    UnaryOp.Neg => -g[i],
                    UnaryOp.Abs => v > 0f ? g[i] : v < 0f ? -g[i] : 0f,
                    UnaryOp.Sign => 0f,
                    UnaryOp.Exp => g[i] * MathF.Exp(v),
                    UnaryOp.Log => g[i] / v,
                    UnaryOp.Sqrt => g[i] * 0.5f / MathF.Sqrt(v),
                    UnaryOp.Square => g[i] * 2f * v,
                    UnaryOp.Tanh => g[i] * (1f - MathF.Tanh(v) * MathF.Tanh(v)),
                    UnaryOp.Sigmoid => g[i] * Sigmoid(v) * (1f - Sigmoid(v)),
                    _ => throw new ArgumentOutOfRangeException(nameof(op)),
                };
            }
        }, op == UnaryOp.Relu ? 1 : 16);
    }

    private static float Sigmoid(float v) => 1f / (1f + MathF.Exp(-v));

    private static Vector256<float> BinaryVec(BinaryOp op, Vector256<float> a, Vector256<float> b) => op switch
    {
        BinaryOp.Add => a + b,
        BinaryOp.Sub => a - b,
        BinaryOp.Mul => a * b,
        BinaryOp.Div => a / b,
        BinaryOp.Max => Vector256.Max(a, b),
        _ => Vector256.Min(a, b),
    };

    private static float BinaryScalar(BinaryOp op, float a, float b) => op switch
    {
        BinaryOp.Add => a + b,
        BinaryOp.Sub => a - b,
        BinaryOp.Mul => a * b,
        BinaryOp.Div => a / b,
        BinaryOp.Max => MathF.Max(a, b),
        _ => MathF.Min(a, b),
    };

    public override void Binary(BinaryOp op, FloatBuffer a, FloatBuffer b, FloatBuffer y, long n)
    {
        float* pa = P(a), pb = P(b), py = P(y);
        CpuParallel.ForRange(n, (s, e) =>
        {
            long i = s;
            for (; i + 8 <= e; i += 8)
                Vector256.Store(BinaryVec(op, Vector256.Load(pa + i), Vector256.Load(pb + i)), py + i);
            for (; i < e; i++) py[i] = BinaryScalar(op, pa[i], pb[i]);
        });
    }

    public override void BinaryRow(BinaryOp op, FloatBuffer a, FloatBuffer b, FloatBuffer y, int rows, long cols)
    {
        float* pa = P(a), pb = P(b), py = P(y);
        CpuParallel.For(rows, CpuParallel.Chunks(rows, cols, 65_536), (_, r0, r1) =>
        {
            for (long r = r0; r < r1; r++)
            {
                float s = pb[r];
                var sv = Vector256.Create(s);
                float* ar = pa + r * cols, yr = py + r * cols;
                long i = 0;
                for (; i + 8 <= cols; i += 8) Vector256.Store(BinaryVec(op, Vector256.Load(ar + i), sv), yr + i);
                for (; i < cols; i++) yr[i] = BinaryScalar(op, ar[i], s);
            }
        });
    }

    public override void Affine(FloatBuffer x, FloatBuffer y, long n, float a, float b)
    {
        float* px = P(x), py = P(y);
        CpuParallel.ForRange(n, (s, e) =>
        {
            var av = Vector256.Create(a);
            var bv = Vector256.Create(b);
            long i = s;
            for (; i + 8 <= e; i += 8) Vector256.Store(Vector256.FusedMultiplyAdd(Vector256.Load(px + i), av, bv), py + i);
            for (; i < e; i++) py[i] = px[i] * a + b;
        });
    }

    public override void Axpby(FloatBuffer x, FloatBuffer y, long n, float a, float b)
    {
        float* px = P(x), py = P(y);
        CpuParallel.ForRange(n, (s, e) =>
        {
            var av = Vector256.Create(a);
            var bv = Vector256.Create(b);
            long i = s;
            for (; i + 8 <= e; i += 8)
                Vector256.Store(Vector256.FusedMultiplyAdd(Vector256.Load(px + i), av, Vector256.Load(py + i) * bv), py + i);
            for (; i < e; i++) py[i] = a * px[i] + b * py[i];
        });
    }

    public override void Clamp(FloatBuffer x, FloatBuffer y, long n, float lo, float hi)
    {
        float* px = P(x), py = P(y);
        CpuParallel.ForRange(n, (s, e) =>
        {
            var lv = Vector256.Create(lo);
            var hv = Vector256.Create(hi);
            long i = s;
            for (; i + 8 <= e; i += 8) Vector256.Store(Vector256.Min(Vector256.Max(Vector256.Load(px + i), lv), hv), py + i);
            for (; i < e; i++) py[i] = MathF.Min(MathF.Max(px[i], lo), hi);
        });
    }

    public override void ChannelAffine(FloatBuffer x, FloatBuffer scale, FloatBuffer shift, FloatBuffer y, int outer, int channels, int inner)
    {
        float* px = P(x), ps = P(scale), pt = P(shift), py = P(y);
        long planes = (long)outer * channels;
        CpuParallel.For(planes, CpuParallel.Chunks(planes, inner, 65_536), (_, p0, p1) =>
        {
            for (long p = p0; p < p1; p++)
            {
                int c = (int)(p % channels);
                float a = ps[c], b = pt[c];
                var av = Vector256.Create(a);
                var bv = Vector256.Create(b);
                float* xr = px + p * inner, yr = py + p * inner;
                int i = 0;
                for (; i + 8 <= inner; i += 8) Vector256.Store(Vector256.FusedMultiplyAdd(Vector256.Load(xr + i), av, bv), yr + i);
                for (; i < inner; i++) yr[i] = xr[i] * a + b;
            }
        });
    }

    public override void AddBias(FloatBuffer y, FloatBuffer bias, int e, int n, int channels, int inner)
    {
        float* py = P(y), pb = P(bias);
        long planes = (long)e * n * channels;
        CpuParallel.For(planes, CpuParallel.Chunks(planes, inner, 65_536), (_, s, end) =>
        {
            for (long p = s; p < end; p++)
            {
                long member = p / ((long)n * channels);
                int c = (int)(p % channels);
                AddScalar(py + p * inner, inner, pb[member * channels + c]);
            }
        });
    }

    public override void MaxMinBackward(bool max, FloatBuffer a, FloatBuffer b, FloatBuffer dy, FloatBuffer da, FloatBuffer db, long n)
    {
        float* pa = P(a), pb = P(b), pg = P(dy), pda = P(da), pdb = P(db);
        CpuParallel.ForRange(n, (s, e) =>
        {
            for (long i = s; i < e; i++)
            {
                bool toA = max ? pa[i] >= pb[i] : pa[i] <= pb[i];
                pda[i] = toA ? pg[i] : 0f;
                pdb[i] = toA ? 0f : pg[i];
            }
        });
    }

    public override void ClampBackward(FloatBuffer x, FloatBuffer dy, FloatBuffer dx, long n, float lo, float hi)
    {
        float* px = P(x), pg = P(dy), pd = P(dx);
        CpuParallel.ForRange(n, (s, e) =>
        {
            for (long i = s; i < e; i++) pd[i] = px[i] >= lo && px[i] <= hi ? pg[i] : 0f;
        });
    }
}
