using FastRobust.Tensors;

namespace FastRobust.Gpu.Agreement;

/// <summary>Row reductions, the middle-axis sum, argmax and correct counts, softmax and the cross-entropy.</summary>
internal static class ReduceLossCases
{
    public static IEnumerable<AgreementCase> All()
    {
        foreach (var op in Enum.GetValues<RowReduce>())
            foreach (bool longRows in new[] { false, true })
                yield return new($"reduce rows {op}, {(longRows ? "rows longer than a group" : "short rows")}", ["ReduceRows"], t =>
                {
                    // longer than a group of 256: strided partials, then the tree
                    int rows = t.Size(1, 10), cols = longRows ? t.Size(600, 3000) : t.Size(1, 40);
                    var xv = t.Rand((long)rows * cols, -3f, 3f);
                    for (int i = 0; i < xv.Length; i += 3) xv[i] = 0f;
                    var x = t.Both(xv);
                    var y = t.Poisoned(rows);
                    t.C.ReduceRows(op, x.Cpu, y.Cpu, rows, cols);
                    t.G.ReduceRows(op, x.Gpu, y.Gpu, rows, cols);
                    t.Close(y, rows, op.ToString());
                });
        // thread per column, group per column (with and without accumulation), a small accumulating one
        foreach (var (outer, mid, inner, accumulate) in new[] { (40, 7, 60, false), (2, 3000, 3, false), (2, 3000, 3, true), (5, 7, 9, true) })
            yield return new($"sum middle {outer}x{mid}x{inner}{(accumulate ? " accumulating" : "")}", ["SumMiddle"], t =>
            {
                int m = t.Size(1, mid + 1);
                var x = t.BothRand((long)outer * m * inner);
                var y = accumulate ? t.BothRand((long)outer * inner) : t.Poisoned((long)outer * inner);
                t.C.SumMiddle(x.Cpu, y.Cpu, outer, m, inner, accumulate);
                t.G.SumMiddle(x.Gpu, y.Gpu, outer, m, inner, accumulate);
                t.Close(y, (long)outer * inner, "sum middle");
            });
        yield return new("argmax (first on ties) and count correct", ["ArgMaxRows", "CountCorrect"], t =>
        {
            int e = t.Size(1, 4), n = t.Size(1, 200), classes = t.Int(1, 20), rows = e * n;
            var lv = t.Rand((long)rows * classes);
            for (int r = 0; r < rows; r += 4) lv[r * classes] = lv[r * classes + classes - 1];
            var logits = t.Both(lv);
            var idx = t.BothIntEmpty(rows);
            t.C.ArgMaxRows(logits.Cpu, idx.Cpu, rows, classes);
            t.G.ArgMaxRows(logits.Gpu, idx.Gpu, rows, classes);
            t.ExactInt(idx, rows, "argmax");
            var labels = t.BothInt(Enumerable.Range(0, n).Select(_ => t.Int(0, classes)).ToArray());
            var counts = t.Both(Enumerable.Repeat(1f, e).ToArray()); // accumulates
            t.C.CountCorrect(logits.Cpu, labels.Cpu, counts.Cpu, rows, classes, n);
            t.G.CountCorrect(logits.Gpu, labels.Gpu, counts.Gpu, rows, classes, n);
            t.Exact(counts, e, "counts");
        });
        foreach (float smoothing in new[] { 0f, 0.1f })
            yield return new($"softmax cross-entropy (smoothing {smoothing}) and softmax",
                ["SoftmaxCrossEntropyForward", "SoftmaxCrossEntropyBackward", "Softmax"], t =>
            {
                int e = t.Size(1, 3), n = t.Size(1, 300), classes = t.Size(2, 100), rows = e * n;
                long count = (long)rows * classes;
                var logits = t.BothRand(count, -6f, 6f);
                var labels = t.BothInt(Enumerable.Range(0, n).Select(_ => t.Int(0, classes)).ToArray());
                var (losses, probs) = (t.Poisoned(rows), t.Poisoned(count));
                t.C.SoftmaxCrossEntropyForward(logits.Cpu, labels.Cpu, losses.Cpu, probs.Cpu, rows, classes, n, smoothing);
                t.G.SoftmaxCrossEntropyForward(logits.Gpu, labels.Gpu, losses.Gpu, probs.Gpu, rows, classes, n, smoothing);
                t.Close(losses, rows, "losses");
                t.Close(probs, count, "probs");
                var dl = t.BothRand(rows);
                var dlogits = t.Poisoned(count);
                t.C.SoftmaxCrossEntropyBackward(probs.Cpu, labels.Cpu, dl.Cpu, dlogits.Cpu, rows, classes, n, smoothing);
                t.G.SoftmaxCrossEntropyBackward(probs.Gpu, labels.Gpu, dl.Gpu, dlogits.Gpu, rows, classes, n, smoothing);
                t.Close(dlogits, count, "dlogits");
                var sm = t.Poisoned(count);
                t.C.Softmax(logits.Cpu, sm.Cpu, rows, classes);
                t.G.Softmax(logits.Gpu, sm.Gpu, rows, classes);
                t.Close(sm, count, "softmax");
            });
    }
}
