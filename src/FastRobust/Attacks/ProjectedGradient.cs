using FastRobust.Autograd;
using FastRobust.Tensors;

namespace FastRobust.Attacks;

/// <summary>
/// Projected gradient ascent on the cross-entropy (descent on the target's cross-entropy when targeted), the engine
/// of fgsm, bim, pgd and pgd-l2. Per step, on the samples still active:
/// L∞: x ← clip_[x₀−ε, x₀+ε]∩[0,1](x + α·sign(∇)); L2 (torchattacks' PGDL2): x ← x + α·∇/(‖∇‖₂ + 1e-10),
/// δ ← (x − x₀)·min(1, ε/‖x − x₀‖₂), x ← clip_[0,1](x₀ + δ). Random start: L∞ x₀ + U(−ε, ε)ᴰ; L2 x₀ + ε·u·z/‖z‖₂
/// with z ~ N(0, I), u ~ U(0, 1); both clipped to [0, 1]. With early stopping a sample leaves the batch at the
/// first iterate that is adversarial; restarts attack only the samples no restart has fooled yet.
/// </summary>
internal static class ProjectedGradient
{
    public sealed record Settings(bool L2, float Eps, float Alpha, int Steps, bool RandomStart, int Restarts, bool EarlyStop);

    public static void Run(AttackBatch b, Settings s)
    {
        var be = b.B;
        int d = b.ImageSize;
        float dir = b.Targeted ? -1f : 1f;
        var done = new bool[b.N];
        var rows = b.AttackedRows;
        for (int restart = 0; restart < s.Restarts && rows.Length > 0; restart++)
        {
            using var set = new ActiveSet(b.Device, rows);
            var x0 = set.Gather(b.X);
            var adv = set.Gather(b.X);
            Tensor? lo = null, hi = null;
            if (!s.L2)
            {
                lo = set.Empty(b.X.Shape[1..]);
                hi = set.Empty(b.X.Shape[1..]);
                be.Affine(x0.Buffer, lo.Buffer, lo.Count, 1f, -s.Eps);
                be.Clamp(lo.Buffer, lo.Buffer, lo.Count, 0f, 1f);
                be.Affine(x0.Buffer, hi.Buffer, hi.Count, 1f, s.Eps);
                be.Clamp(hi.Buffer, hi.Buffer, hi.Count, 0f, 1f);
            }
            if (s.RandomStart) RandomStart(b, set, x0, adv, s, restart);

            // the goals of the active slots change only when samples leave the set: uploaded again only then
            IntTensor? goal = null;
            try
            {
                for (int t = 0; t <= s.Steps && set.Count > 0; t++)
                {
                    using var scope = new TensorScope();
                    int n = set.Count;
                    var cur = set.View(adv);
                    goal ??= IntTensor.FromArray(Goals(b, set), b.Device);
                    Tensor logits;
                    Tensor? grad = null;
                    if (t < s.Steps)
                    {
                        (logits, _, grad) = InputGradient.CrossEntropy(b.Model, cur, goal);
                        foreach (int r in set.Rows) { b.Queries[r]++; b.Gradients[r]++; }
                    }
                    else
                    {
                        logits = InputGradient.Logits(b.Model, cur);
                        foreach (int r in set.Rows) b.Queries[r]++;
                    }
                    using (grad)
                    {
                        var keep = new bool[n];
                        Array.Fill(keep, true);
                        if (s.EarlyStop || t == s.Steps)
                        {
                            var pred = InputGradient.Predictions(logits);
                            for (int slot = 0; slot < n; slot++)
                            {
                                int row = set.Row(slot);
                                bool adversarial = b.IsAdversarial(row, pred[slot]);
                                if (adversarial) done[row] = true;
                                if ((adversarial && s.EarlyStop) || t == s.Steps)
                                {
                                    set.Scatter(adv, slot, b.Adversarial);
                                    keep[slot] = false;
                                }
                            }
                        }
                        if (t == s.Steps) break;
                        for (int slot = 0; slot < n; slot++) if (keep[slot]) b.Steps[set.Row(slot)]++;
                        Step(b, set, cur, grad!, x0, lo, hi, s, dir);
                        set.Retain(keep);
                        if (Array.IndexOf(keep, false) >= 0)
                        {
                            goal.Dispose();
                            goal = null;
                        }
                    }
                }
            }
            finally
            {
                goal?.Dispose();
            }
            rows = rows.Where(r => !done[r]).ToArray();
        }
    }

    private static int[] Goals(AttackBatch b, ActiveSet set)
    {
        var g = new int[set.Count];
        for (int s = 0; s < g.Length; s++) g[s] = b.Goal(set.Row(s));
        return g;
    }

    private static void Step(AttackBatch b, ActiveSet set, Tensor cur, Tensor grad, Tensor x0Full, Tensor? loFull, Tensor? hiFull, Settings s, float dir)
    {
        var be = b.B;
        int n = set.Count;
        long count = cur.Count, cols = count / n;
        if (!s.L2)
        {
            be.Unary(UnaryOp.Sign, grad.Buffer, grad.Buffer, count);
            be.Axpby(grad.Buffer, cur.Buffer, count, dir * s.Alpha, 1f);
            be.Binary(BinaryOp.Max, cur.Buffer, loFull!.Buffer, cur.Buffer, count);
            be.Binary(BinaryOp.Min, cur.Buffer, hiFull!.Buffer, cur.Buffer, count);
            return;
        }
        var x0 = set.View(x0Full);
        var norm = RowL2(grad);
        be.Affine(norm.Buffer, norm.Buffer, n, 1f, 1e-10f);
        be.BinaryRow(BinaryOp.Div, grad.Buffer, norm.Buffer, grad.Buffer, n, cols);
        be.Axpby(grad.Buffer, cur.Buffer, count, dir * s.Alpha, 1f);
        ProjectL2(be, cur, x0, s.Eps);
    }

    /// <summary>δ = x − x₀ scaled by min(1, ε/‖δ‖₂), then x = clip_[0,1](x₀ + δ) (torchattacks' order).</summary>
    internal static void ProjectL2(Backend be, Tensor cur, Tensor x0, float eps)
    {
        int n = cur.Shape[0];
        long count = cur.Count, cols = count / n;
        var delta = Tensor.Empty(cur.Shape, cur.Device);
        be.Binary(BinaryOp.Sub, cur.Buffer, x0.Buffer, delta.Buffer, count);
        var factor = RowL2(delta);
        var e = Tensor.Full([n], eps, cur.Device);
        be.Binary(BinaryOp.Div, e.Buffer, factor.Buffer, factor.Buffer, n);
        be.Fill(e.Buffer, 0, n, 1f);
        be.Binary(BinaryOp.Min, factor.Buffer, e.Buffer, factor.Buffer, n);
        be.BinaryRow(BinaryOp.Mul, delta.Buffer, factor.Buffer, delta.Buffer, n, cols);
        be.Binary(BinaryOp.Add, x0.Buffer, delta.Buffer, cur.Buffer, count);
        be.Clamp(cur.Buffer, cur.Buffer, count, 0f, 1f);
    }

    /// <summary>‖row‖₂ of each row, [n], in the current scope.</summary>
    internal static Tensor RowL2(Tensor t)
    {
        var r = Ops.ReduceRows(t, RowReduce.SumSquares);
        t.Device.Backend.Unary(UnaryOp.Sqrt, r.Buffer, r.Buffer, r.Count);
        return r;
    }

    private static void RandomStart(AttackBatch b, ActiveSet set, Tensor x0Full, Tensor advFull, Settings s, int restart)
    {
        using var scope = new TensorScope();
        var be = b.B;
        int n = set.Count;
        var x0 = set.View(x0Full);
        var adv = set.View(advFull);
        long count = adv.Count;
        var noise = Tensor.Empty(adv.Shape, b.Device);
        ulong seed = b.Rng.Seed;
        if (!s.L2)
        {
            AttackRandom.Uniform(noise, n, slot => b.GlobalIndex(set.Row(slot)), seed,
                AttackRandom.Stream(b.Rng, RandomPurpose.PgdStart, restart), -s.Eps, s.Eps);
        }
        else
        {
            AttackRandom.Normal(noise, n, slot => b.GlobalIndex(set.Row(slot)), seed,
                AttackRandom.Stream(b.Rng, RandomPurpose.PgdStart, restart), 0f, 1f);
            var norm = RowL2(noise);
            var radius = new float[n];
            ulong stream = AttackRandom.Stream(b.Rng, RandomPurpose.PgdStartRadius, restart);
            for (int slot = 0; slot < n; slot++)
                radius[slot] = Random.Philox.Uniform(seed, stream, 0, b.GlobalIndex(set.Row(slot))) * s.Eps;
            var r = Tensor.FromArray(radius, [n], b.Device);
            // δ = z · (u·ε / ‖z‖₂), the scale formed per sample as torchattacks does
            be.Binary(BinaryOp.Div, r.Buffer, norm.Buffer, r.Buffer, n);
            be.BinaryRow(BinaryOp.Mul, noise.Buffer, r.Buffer, noise.Buffer, n, count / n);
        }
        be.Binary(BinaryOp.Add, x0.Buffer, noise.Buffer, adv.Buffer, count);
        be.Clamp(adv.Buffer, adv.Buffer, count, 0f, 1f);
    }
}
