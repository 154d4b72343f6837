using FastRobust.Autograd;
using FastRobust.Tensors;
using FastRobust.Util;

namespace FastRobust.Attacks;

/// <summary>
/// APGD-CE, L∞ (Croce &amp; Hein 2020), following autopgd_base.py of the auto-attack repository. From a random point
/// x₀ + ε·t/‖t‖∞ (t ~ U(−1, 1)ᴰ) with step size η = 2ε, each iteration takes z = P(x + η·sign(∇)) and the momentum
/// step x ← P(x + 0.75·(z − x) + 0.25·(x − x_prev)) (α = 1 in the first iteration), where P clips to the ε-ball and
/// [0, 1]. Checkpoints come after p₁ = ⌊0.22·N_iter⌋ iterations, then each shorter by ⌊0.03·N_iter⌋ down to
/// ⌊0.06·N_iter⌋; at a checkpoint a sample halves η and returns to its best point (highest loss) when fewer than
/// ρ = 0.75 of the steps since the last checkpoint raised the loss, or when it had not halved at the last
/// checkpoint and its best loss has not improved since. Targeted, the loss is −CE(target) (the repository's
/// 'ce-targeted'). A sample stops at its first adversarial iterate; a failed one returns its best-loss point.
/// </summary>
public sealed class ApgdCe : AttackBase
{
    public override string Name => "apgd-ce";
    public override ThreatNorm Norm => ThreatNorm.Linf;

    protected override AttackOptions ResolveSpecific(AttackOptions o)
    {
        var eps = o.Epsilon ?? throw new InputException("apgd-ce needs ε (--eps)");
        if (o.StepSize is not null) throw new InputException("apgd-ce sets its own step size (2ε, halved at checkpoints): --alpha does not apply");
        if (!o.RandomStart) throw new InputException("apgd-ce always starts from a random point: --no-random-start does not apply");
        if (!(o.Rho > 0 && o.Rho < 1)) throw new InputException($"apgd-ce's ρ must be in (0, 1), got {AttackOptions.Format(o.Rho)}");
        return o with { Epsilon = eps, Steps = o.Steps ?? 100 };
    }

    protected override string Describe(AttackOptions o) => AttackOptions.Json(new Dictionary<string, object?>
    {
        ["eps"] = o.Epsilon, ["steps"] = o.Steps, ["restarts"] = o.Restarts, ["rho"] = o.Rho, ["target"] = o.Target.ToString().ToLowerInvariant(),
    });

    /// <summary>The checkpoint schedule of autopgd_base.py: first interval, decrement, minimum.</summary>
    public static (int First, int Decrement, int Minimum) Checkpoints(int iterations) =>
        (Math.Max((int)(0.22 * iterations), 1), Math.Max((int)(0.03 * iterations), 1), Math.Max((int)(0.06 * iterations), 1));

    internal override void Attack(AttackBatch b)
    {
        var rows = b.AttackedRows;
        var done = new bool[b.N];
        for (int restart = 0; restart < b.Options.Restarts && rows.Length > 0; restart++)
        {
            SingleRun(b, rows, restart, done);
            rows = rows.Where(r => !done[r]).ToArray();
        }
    }

    private static void SingleRun(AttackBatch b, int[] rows, int restart, bool[] done)
    {
        var o = b.Options;
        var be = b.B;
        float eps = o.Epsilon!.Value, dir = b.Targeted ? -1f : 1f;
        int iters = o.Steps!.Value, d = b.ImageSize;
        var (first, decrement, minimum) = Checkpoints(iters);

        using var set = new ActiveSet(b.Device, rows);
        var x0 = set.Gather(b.X);
        var lo = set.Empty(b.X.Shape[1..]);
        var hi = set.Empty(b.X.Shape[1..]);
        be.Affine(x0.Buffer, lo.Buffer, lo.Count, 1f, -eps);
        be.Clamp(lo.Buffer, lo.Buffer, lo.Count, 0f, 1f);
        be.Affine(x0.Buffer, hi.Buffer, hi.Count, 1f, eps);
        be.Clamp(hi.Buffer, hi.Buffer, hi.Count, 0f, 1f);
        var x = set.Empty(b.X.Shape[1..]);
        var xOld = set.Empty(b.X.Shape[1..]);
        var xBest = set.Empty(b.X.Shape[1..]);
        var grad = set.Empty(b.X.Shape[1..]);
        var gradBest = set.Empty(b.X.Shape[1..]);

        var stepSize = new float[b.N];
        var lossBest = new float[b.N];
        var lossBestLastCheck = new float[b.N];
        var reducedLastCheck = new bool[b.N];
        var history = new float[b.N][];
        foreach (int r in rows)
        {
            stepSize[r] = 2f * eps;
            reducedLastCheck[r] = true;
            history[r] = new float[iters];
        }

        using (new TensorScope())
        {
            int n = set.Count;
            var t = Tensor.Empty([n, .. b.X.Shape[1..]], b.Device);
            AttackRandom.Uniform(t, n, s => b.GlobalIndex(set.Row(s)), b.Rng.Seed, AttackRandom.Stream(b.Rng, RandomPurpose.ApgdStart, restart), -1f, 1f);
            var m = Ops.ReduceRows(t, RowReduce.MaxAbs);
            be.Affine(m.Buffer, m.Buffer, n, 1f, 1e-12f);
            be.BinaryRow(BinaryOp.Div, t.Buffer, m.Buffer, t.Buffer, n, d);
            var cur = set.View(x);
            be.Affine(t.Buffer, t.Buffer, t.Count, eps, 0f);
            be.Binary(BinaryOp.Add, set.View(x0).Buffer, t.Buffer, cur.Buffer, cur.Count);
            be.Clamp(cur.Buffer, cur.Buffer, cur.Count, 0f, 1f);
            be.Copy(cur.Buffer, 0, xBest.Buffer, 0, cur.Count);
            be.Copy(cur.Buffer, 0, xOld.Buffer, 0, cur.Count);
        }
        // the gradient at the starting point; a start that is already adversarial ends there
        var keep0 = Evaluate(b, set, x, grad, out var loss0, out var adv0);
        for (int s = 0; s < set.Count; s++)
        {
            int r = set.Row(s);
            lossBest[r] = loss0[s];
            lossBestLastCheck[r] = loss0[s];
            if (adv0[s]) { done[r] = true; set.Scatter(x, s, b.Adversarial); }
        }
        be.Copy(grad.Buffer, 0, gradBest.Buffer, 0, (long)set.Count * d);
        set.Retain(keep0);

        int counter = 0, k = first;
        for (int i = 0; i < iters && set.Count > 0; i++)
        {
            using (new TensorScope())
            {
                int n = set.Count;
                long count = (long)n * d;
                var cur = set.View(x);
                var old = set.View(xOld);
                // grad2 = x − x_prev, then x_prev = x
                var momentum = Tensor.Empty(cur.Shape, b.Device);
                be.Binary(BinaryOp.Sub, cur.Buffer, old.Buffer, momentum.Buffer, count);
                be.Copy(cur.Buffer, 0, old.Buffer, 0, count);
                float a = i > 0 ? 0.75f : 1f;
                var z = Tensor.Empty(cur.Shape, b.Device);
                be.Unary(UnaryOp.Sign, grad.Buffer, z.Buffer, count);
                var eta = Tensor.FromArray(set.Rows.ToArray().Select(r => dir * stepSize[r]).ToArray(), [n], b.Device);
                be.BinaryRow(BinaryOp.Mul, z.Buffer, eta.Buffer, z.Buffer, n, d);
                be.Binary(BinaryOp.Add, cur.Buffer, z.Buffer, z.Buffer, count);
                Project(be, z, lo, hi, count);
                // x + (z − x)·a + grad2·(1 − a)
                be.Binary(BinaryOp.Sub, z.Buffer, cur.Buffer, z.Buffer, count);
                be.Affine(z.Buffer, z.Buffer, count, a, 0f);
                be.Binary(BinaryOp.Add, cur.Buffer, z.Buffer, z.Buffer, count);
                be.Affine(momentum.Buffer, momentum.Buffer, count, 1f - a, 0f);
                be.Binary(BinaryOp.Add, z.Buffer, momentum.Buffer, z.Buffer, count);
                Project(be, z, lo, hi, count);
                be.Copy(z.Buffer, 0, cur.Buffer, 0, count);
            }
            var keep = Evaluate(b, set, x, grad, out var loss, out var adversarial);
            for (int s = 0; s < set.Count; s++)
            {
                int r = set.Row(s);
                b.Steps[r]++;
                history[r][i] = loss[s];
                if (adversarial[s]) { done[r] = true; set.Scatter(x, s, b.Adversarial); continue; }
                if (loss[s] > lossBest[r])
                {
                    set.CopySlot(x, s, xBest, s);
                    set.CopySlot(grad, s, gradBest, s);
                    lossBest[r] = loss[s];
                }
            }
            counter++;
            if (counter == k)
            {
                for (int s = 0; s < set.Count; s++)
                {
                    int r = set.Row(s);
                    if (!keep[s]) continue;
                    int increases = 0;
                    for (int j = 0; j < k; j++)
                    {
                        // autopgd_base.py reads loss_steps[-1] (still zero) at the first checkpoint
                        float now = history[r][i - j], before = i - j - 1 >= 0 ? history[r][i - j - 1] : 0f;
                        if (now > before) increases++;
                    }
                    bool oscillation = increases <= k * o.Rho;
                    bool noImprovement = !reducedLastCheck[r] && lossBestLastCheck[r] >= lossBest[r];
                    bool reduce = oscillation || noImprovement;
                    reducedLastCheck[r] = reduce;
                    lossBestLastCheck[r] = lossBest[r];
                    if (reduce)
                    {
                        stepSize[r] /= 2f;
                        set.CopySlot(xBest, s, x, s);
                        set.CopySlot(gradBest, s, grad, s);
                    }
                }
                k = Math.Max(k - decrement, minimum);
                counter = 0;
            }
            set.Retain(keep);
        }
        // not fooled in this run: return the best-loss point
        for (int s = 0; s < set.Count; s++) set.Scatter(xBest, s, b.Adversarial);
    }

    private static void Project(Backend be, Tensor z, Tensor lo, Tensor hi, long count)
    {
        be.Binary(BinaryOp.Max, z.Buffer, lo.Buffer, z.Buffer, count);
        be.Binary(BinaryOp.Min, z.Buffer, hi.Buffer, z.Buffer, count);
    }

    /// <summary>Loss (CE, or −CE(target) when targeted), gradient (into the tracked grad tensor) and adversarial flags at x.</summary>
    private static bool[] Evaluate(AttackBatch b, ActiveSet set, Tensor x, Tensor gradFull, out float[] loss, out bool[] adversarial)
    {
        using var scope = new TensorScope();
        int n = set.Count;
        var goals = new int[n];
        for (int s = 0; s < n; s++) goals[s] = b.Goal(set.Row(s));
        using var goal = IntTensor.FromArray(goals, b.Device);
        var (logits, losses, g) = InputGradient.CrossEntropy(b.Model, set.View(x), goal);
        using (g) b.B.Copy(g.Buffer, 0, gradFull.Buffer, 0, g.Count);
        foreach (int r in set.Rows) { b.Queries[r]++; b.Gradients[r]++; }
        loss = losses.ToArray();
        if (b.Targeted) for (int s = 0; s < n; s++) loss[s] = -loss[s];
        var pred = InputGradient.Predictions(logits);
        adversarial = new bool[n];
        var keep = new bool[n];
        for (int s = 0; s < n; s++)
        {
            adversarial[s] = b.IsAdversarial(set.Row(s), pred[s]);
            keep[s] = !adversarial[s];
        }
        return keep;
    }
}
