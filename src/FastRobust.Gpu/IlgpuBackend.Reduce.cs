using FastRobust.Tensors;

namespace FastRobust.Gpu;

public sealed partial class IlgpuBackend
{
    public override void ReduceRows(RowReduce op, FloatBuffer x, FloatBuffer y, int rows, long cols)
    {
        if (rows <= 0) return;
        K.ReduceRows(Groups(rows), V(x), V(y), (int)op, N(cols));
    }

    /// <summary>Below this many (outer, inner) columns a column's middle is long enough to be worth a whole group.</summary>
    private const int ColumnsForThreadPerColumn = 2048;

    public override void SumMiddle(FloatBuffer x, FloatBuffer y, int outer, int mid, int inner, bool accumulate)
    {
        long cols = (long)outer * inner;
        if (cols <= 0) return;
        if (cols >= ColumnsForThreadPerColumn || mid < 4 * GroupThreads)
            K.MiddleColumns(N(cols), V(x), V(y), mid, inner, accumulate ? 1 : 0);
        else
            K.MiddleGroups(Groups(cols), V(x), V(y), mid, inner, accumulate ? 1 : 0);
    }

    public override void ArgMaxRows(FloatBuffer x, IntBuffer idx, int rows, int cols)
    {
        if (rows > 0) K.ArgMaxRows(rows, V(x), V(idx), cols);
    }

    public override void CountCorrect(FloatBuffer logits, IntBuffer labels, FloatBuffer counts, int rows, int classes, int n)
    {
        if (rows > 0) K.CountCorrect(rows, V(logits), V(labels), V(counts), classes, n);
    }
}
