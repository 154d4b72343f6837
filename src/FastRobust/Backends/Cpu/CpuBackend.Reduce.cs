using System.Runtime.Intrinsics;
using FastRobust.Tensors;

namespace FastRobust.Backends.Cpu;

public sealed unsafe partial class CpuBackend
{
    public override void ReduceRows(RowReduce op, FloatBuffer x, FloatBuffer y, int rows, long cols)
    {
        float* px = P(x), py = P(y);
        CpuParallel.For(rows, CpuParallel.Chunks(rows, cols, 65_536), (_, r0, r1) =>
        {
            for (long r = r0; r < r1; r++) py[r] = ReduceRow(op, px + r * cols, cols);
        });
    }

    /// <summary>Sums in double per row so a whole-batch loss or norm does not drift with the size.</summary>
    private static float ReduceRow(RowReduce op, float* x, long n)
    {
        switch (op)
        {
            case RowReduce.Sum:
            case RowReduce.SumAbs:
            case RowReduce.SumSquares:
            {
                double total = 0;
                long i = 0;
                while (i < n)
                {
                    // blocks of 4096 in float SIMD, combined in double
                    long end = Math.Min(n, i + 4096);
                    var acc = Vector256<float>.Zero;
                    for (; i + 8 <= end; i += 8)
                    {
                        var v = Vector256.Load(x + i);
                        acc += op == RowReduce.Sum ? v : op == RowReduce.SumAbs ? Vector256.Abs(v) : v * v;
                    }
                    double part = Vector256.Sum(acc);
                    for (; i < end; i++) part += op == RowReduce.Sum ? x[i] : op == RowReduce.SumAbs ? Math.Abs(x[i]) : (double)x[i] * x[i];
                    total += part;
                }
                return (float)total;
            }
            case RowReduce.Max:
            {
                float m = float.NegativeInfinity;
                for (long i = 0; i < n; i++) m = MathF.Max(m, x[i]);
                return m;
            }
            case RowReduce.Min:
            {
                float m = float.PositiveInfinity;
                for (long i = 0; i < n; i++) m = MathF.Min(m, x[i]);
                return m;
            }
            case RowReduce.MaxAbs:
            {
                float m = 0f;
                for (long i = 0; i < n; i++) m = MathF.Max(m, MathF.Abs(x[i]));
                return m;
            }
            case RowReduce.CountNonZero:
            {
                long c = 0;
                for (long i = 0; i < n; i++) if (x[i] != 0f) c++;
                return c;
            }
            default:
                throw new ArgumentOutOfRangeException(nameof(op));
        }
    }

    public override void SumMiddle(FloatBuffer x, FloatBuffer y, int outer, int mid, int inner, bool accumulate)
    {
        float* px = P(x), py = P(y);
        // parallel over (outer, inner) columns; each column sums its mid values in order (deterministic)
        CpuParallel.For(outer, CpuParallel.Chunks(outer, (long)mid * inner, 65_536), (_, o0, o1) =>
        {
            for (long o = o0; o < o1; o++)
            {
                float* yo = py + o * inner;
                if (!accumulate) new Span<float>(yo, inner).Clear();
                for (int m = 0; m < mid; m++)
                {
                    float* xr = px + (o * mid + m) * inner;
                    int i = 0;
                    for (; i + 8 <= inner; i += 8) Vector256.Store(Vector256.Load(yo + i) + Vector256.Load(xr + i), yo + i);
                    for (; i < inner; i++) yo[i] += xr[i];
                }
            }
        });
    }

    public override void ArgMaxRows(FloatBuffer x, IntBuffer idx, int rows, int cols)
    {
        float* px = P(x);
        int* pi = P(idx);
        for (int r = 0; r < rows; r++)
        {
            float* row = px + (long)r * cols;
            int best = 0;
            for (int j = 1; j < cols; j++) if (row[j] > row[best]) best = j;
            pi[r] = best;
        }
    }
}
