using FastRobust.Tensors;
using Xunit;

namespace FastRobust.Gpu.Tests.Ops;

public class ReduceLossAgreementTests
{
    private readonly Agreement t = new();

    public static TheoryData<RowReduce, int> RowReduces()
    {
        var d = new TheoryData<RowReduce, int>();
        foreach (var op in Enum.GetValues<RowReduce>())
        {
            d.Add(op, 37);
            d.Add(op, 1500); // longer than a group: strided partials, then the tree
        }
        return d;
    }

    [Theory]
    [MemberData(nameof(RowReduces))]
    public void ReduceRows(RowReduce op, int maxCols)
    {
        int rows = t.Int(1, 6), cols = t.Int(1, maxCols);
        var xv = t.Rand((long)rows * cols, -3f, 3f);
        for (int i = 0; i < xv.Length; i += 3) xv[i] = 0f;
        var x = t.Both(xv);
        var y = t.Poisoned(rows);
        t.C.ReduceRows(op, x.Cpu, y.Cpu, rows, cols);
        t.G.ReduceRows(op, x.Gpu, y.Gpu, rows, cols);
        t.Close(y.Cpu, y.Gpu, rows, op.ToString());
    }

    [Theory]
    [InlineData(40, 3, 50, false)] // thread per column
    [InlineData(2, 1500, 3, false)] // group per column
    [InlineData(2, 1500, 3, true)]
    [InlineData(5, 7, 9, true)]
    public void SumMiddle(int outer, int mid, int inner, bool accumulate)
    {
        mid = t.Int(1, mid + 1);
        var x = t.BothRand((long)outer * mid * inner);
        var y = accumulate ? t.BothRand((long)outer * inner) : t.Poisoned((long)outer * inner);
        t.C.SumMiddle(x.Cpu, y.Cpu, outer, mid, inner, accumulate);
        t.G.SumMiddle(x.Gpu, y.Gpu, outer, mid, inner, accumulate);
        t.Close(y.Cpu, y.Gpu, (long)outer * inner, "sum middle");
    }

    [Fact]
    public void ArgMaxAndCountCorrect()
    {
        int e = t.Int(1, 4), n = t.Int(1, 40), classes = t.Int(1, 12), rows = e * n;
        var lv = t.Rand((long)rows * classes);
        for (int r = 0; r < rows; r += 4) lv[r * classes] = lv[r * classes + classes - 1]; // ties pick the first
        var logits = t.Both(lv);
        var idx = (Cpu: t.C.AllocInt(rows), Gpu: t.G.AllocInt(rows));
        t.C.ArgMaxRows(logits.Cpu, idx.Cpu, rows, classes);
        t.G.ArgMaxRows(logits.Gpu, idx.Gpu, rows, classes);
        t.ExactInt(idx.Cpu, idx.Gpu, rows, "argmax");
        var labels = t.BothInt(Enumerable.Range(0, n).Select(_ => t.Int(0, classes)).ToArray());
        var counts = t.Both(Enumerable.Repeat(1f, e).ToArray()); // accumulates
        t.C.CountCorrect(logits.Cpu, labels.Cpu, counts.Cpu, rows, classes, n);
        t.G.CountCorrect(logits.Gpu, labels.Gpu, counts.Gpu, rows, classes, n);
        t.Exact(counts.Cpu, counts.Gpu, e, "counts");
    }

    [Theory]
    [InlineData(0f)]
    [InlineData(0.1f)]
    public void SoftmaxCrossEntropy(float smoothing)
    {
        int e = t.Int(1, 3), n = t.Int(1, 30), classes = t.Int(2, 15), rows = e * n;
        long count = (long)rows * classes;
        var logits = t.BothRand(count, -6f, 6f);
        var labels = t.BothInt(Enumerable.Range(0, n).Select(_ => t.Int(0, classes)).ToArray());
        var losses = t.Poisoned(rows);
        var probs = t.Poisoned(count);
        t.C.SoftmaxCrossEntropyForward(logits.Cpu, labels.Cpu, losses.Cpu, probs.Cpu, rows, classes, n, smoothing);
        t.G.SoftmaxCrossEntropyForward(logits.Gpu, labels.Gpu, losses.Gpu, probs.Gpu, rows, classes, n, smoothing);
        t.Close(losses.Cpu, losses.Gpu, rows, "losses");
        t.Close(probs.Cpu, probs.Gpu, count, "probs");
        var dl = t.BothRand(rows);
        var dlogits = t.Poisoned(count);
        t.C.SoftmaxCrossEntropyBackward(probs.Cpu, labels.Cpu, dl.Cpu, dlogits.Cpu, rows, classes, n, smoothing);
        t.G.SoftmaxCrossEntropyBackward(probs.Gpu, labels.Gpu, dl.Gpu, dlogits.Gpu, rows, classes, n, smoothing);
        t.Close(dlogits.Cpu, dlogits.Gpu, count, "dlogits");
        var sm = t.Poisoned(count);
        t.C.Softmax(logits.Cpu, sm.Cpu, rows, classes);
        t.G.Softmax(logits.Gpu, sm.Gpu, rows, classes);
        t.Close(sm.Cpu, sm.Gpu, count, "softmax");
    }
}
