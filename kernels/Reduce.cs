using FastRobust.Tensors;
using ILGPU;

namespace FastRobust.Kernels;

/// <summary>
/// Reductions. A row reduction runs one group per row: each thread folds a strided slice (sums in double, as the CPU
/// backend does, so long rows do not drift), then the group combines the partials in shared memory. The group size
/// is the launch's (a power of two up to <see cref="MaxThreads"/>: 256 on a GPU, fewer on the CPU accelerator).
/// </summary>
public static class Reduce
{
    /// <summary>The largest group a block reduction (here, in <see cref="Norm"/> and <see cref="Conv"/>) may be launched with.</summary>
    public const int MaxThreads = 256;

    /// <summary>NaN-propagating max/min, like MathF.Max/Min.</summary>
    public static double Pick(double a, double b, bool max) =>
        double.IsNaN(a) || double.IsNaN(b) ? double.NaN : max ? (a > b ? a : b) : (a < b ? a : b);

    /// <summary>Tree-combines one value per thread; every thread gets the result. Ends with a barrier so the scratch can be reused.</summary>
    public static double GroupSum(ArrayView<double> scratch, double v)
    {
        int t = Group.IdxX;
        scratch[t] = v;
        Group.Barrier();
        for (int s = Group.DimX / 2; s > 0; s >>= 1)
        {
            if (t < s) scratch[t] += scratch[t + s];
            Group.Barrier();
        }
        double total = scratch[0];
        Group.Barrier();
        return total;
    }

    public static double GroupPick(ArrayView<double> scratch, double v, bool max)
    {
        int t = Group.IdxX;
        scratch[t] = v;
        Group.Barrier();
        for (int s = Group.DimX / 2; s > 0; s >>= 1)
        {
            if (t < s) scratch[t] = Pick(scratch[t], scratch[t + s], max);
            Group.Barrier();
        }
        double total = scratch[0];
        Group.Barrier();
        return total;
    }

    /// <summary>y[r] = reduce(x[r, :]); one group per row (grid X = rows).</summary>
    [Kernel]
    public static void Rows(ArrayView<float> x, ArrayView<float> y, int op, int cols)
    {
        var scratch = SharedMemory.Allocate<double>(MaxThreads);
        int row = Grid.IdxX, t = Group.IdxX, threads = Group.DimX;
        long start = (long)(int)row * cols;
        bool isMax = op == (int)RowReduce.Max || op == (int)RowReduce.MaxAbs;
        if (op == (int)RowReduce.Max || op == (int)RowReduce.Min || op == (int)RowReduce.MaxAbs)
        {
            double acc = op == (int)RowReduce.Max ? double.NegativeInfinity : op == (int)RowReduce.Min ? double.PositiveInfinity : 0.0;
            for (int j = t; j < cols; j += threads)
            {
                float v = x[start + j];
                acc = Pick(acc, op == (int)RowReduce.MaxAbs ? Math.Abs(v) : v, isMax);
            }
            double r = GroupPick(scratch, acc, isMax);
            if (t == 0) y[row] = (float)r;
        }
        else
        {
            double acc = 0.0;
            for (int j = t; j < cols; j += threads)
            {
                float v = x[start + j];
                if (op == (int)RowReduce.Sum) acc += v;
                else if (op == (int)RowReduce.SumAbs) acc += Math.Abs(v);
                else if (op == (int)RowReduce.SumSquares) acc += (double)v * v;
                else acc += v != 0f ? 1.0 : 0.0;
            }
            double r = GroupSum(scratch, acc);
            if (t == 0) y[row] = (float)r;
        }
    }

    /// <summary>
    /// y[o, i] (+)= Σ_m x[o, m, i], one thread per (o, i) column summing in m order: the CPU backend's order, so
    /// the result is bit-identical. Used when there are many columns.
    /// </summary>
    [Kernel]
    public static void MiddleColumns(ArrayView<float> x, ArrayView<float> y, int cols, int mid, int inner, int accumulate)
    {
        for (int col = Stride.Start; col < cols; col += Stride.Step)
        {
            int o = col / inner, i = col - o * inner;
            float acc = accumulate != 0 ? y[col] : 0f;
            long p = (long)o * mid * inner + i;
            for (int m = 0; m < mid; m++, p += inner) acc += x[p];
            y[col] = acc;
        }
    }

    /// <summary>The same sum with one group per (o, i) column (grid X = outer·inner): few columns, long middles.</summary>
    [Kernel]
    public static void MiddleGroups(ArrayView<float> x, ArrayView<float> y, int mid, int inner, int accumulate)
    {
        var scratch = SharedMemory.Allocate<double>(MaxThreads);
        int col = Grid.IdxX, t = Group.IdxX;
        int o = col / inner, i = col - o * inner;
        double acc = 0.0;
        for (int m = t; m < mid; m += Group.DimX) acc += x[((long)o * mid + m) * inner + i];
        double r = GroupSum(scratch, acc);
        if (t == 0) y[col] = accumulate != 0 ? y[col] + (float)r : (float)r;
    }

    /// <summary>idx[r] = first argmax of x[r, :].</summary>
    [Kernel]
    public static void ArgMaxRows(ArrayView<float> x, ArrayView<int> idx, int rows, int cols)
    {
        for (int row = Stride.Start; row < rows; row += Stride.Step) idx[row] = ArgMax(x, (long)row * cols, cols);
    }

    private static int ArgMax(ArrayView<float> x, long start, int cols)
    {
        int best = 0;
        float bv = x[start];
        for (int j = 1; j < cols; j++)
        {
            float v = x[start + j];
            if (v > bv)
            {
                bv = v;
                best = j;
            }
        }
        return best;
    }

    /// <summary>counts[r / n] += 1 where argmax(logits[r, :]) == labels[r % n]; counts stay exact integers in float, so the atomic order does not matter.</summary>
    [Kernel]
    public static void CountCorrect(ArrayView<float> logits, ArrayView<int> labels, ArrayView<float> counts, int rows, int classes, int n)
    {
        for (int row = Stride.Start; row < rows; row += Stride.Step)
            if (ArgMax(logits, (long)row * classes, classes) == labels[row % n]) Atomic.Add(ref counts[row / n], 1f);
    }
}
