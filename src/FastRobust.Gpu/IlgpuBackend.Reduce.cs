using FastRobust.Tensors;

namespace FastRobust.Gpu;

public sealed partial class IlgpuBackend
{
    public override void ReduceRows(RowReduce op, FloatBuffer x, FloatBuffer y, int rows, long cols)
    {
        if (rows <= 0) return;
        K.ReduceRows(Blocks(rows), V(x), V(y), (int)op, N(cols));
    }

    /// <summary>Below this many (outer, inner) columns a column's middle is long enough to be worth a whole group.</summary>
    private const int ColumnsForThreadPerColumn = 2048;

    public override void SumMiddle(FloatBuffer x, FloatBuffer y, int outer, int mid, int inner, bool accumulate)
    {
        long cols = (long)outer * inner;
        if (cols <= 0) return;
        if (cols >= ColumnsForThreadPerColumn || mid < 4 * _threads)
            K.MiddleColumns(Elements(cols), V(x), V(y), N(cols), mid, inner, accumulate ? 1 : 0);
        else
            K.MiddleGroups(Blocks(cols), V(x), V(y), mid, inner, accumulate ? 1 : 0);
    }

    public override void ArgMaxRows(FloatBuffer x, IntBuffer idx, int rows, int cols)
    {
        if (rows > 0) K.ArgMaxRows(Elements(rows), V(x), V(idx), rows, cols);
    }

    public override void CountCorrect(FloatBuffer logits, IntBuffer labels, FloatBuffer counts, int rows, int classes, int n)
    {
        if (rows > 0) K.CountCorrect(Elements(rows), V(logits), V(labels), V(counts), rows, classes, n);
    }
}
