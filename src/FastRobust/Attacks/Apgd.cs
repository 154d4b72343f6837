using FastRobust.Autograd;
using FastRobust.Tensors;
using FastRobust.Util;

namespace FastRobust.Attacks;

/// <summary>The loss APGD climbs.</summary>
public enum ApgdLoss
{
    /// <summary>Cross-entropy of the label (targeted: −CE of the target), APGD-CE.</summary>
    CrossEntropy,

    /// <summary>The untargeted DLR loss, APGD-DLR.</summary>
    Dlr,

    /// <summary>The targeted DLR loss towards each of the most likely other classes, APGD-T.</summary>
    TargetedDlr,
}

/// <summary>
/// APGD (Croce &amp; Hein 2020), L∞ or L2, following autopgd_base.py of the auto-attack repository. From a random point
/// x₀ + ε·t/‖t‖ (L∞: t ~ U(−1, 1)ᴰ; L2: t ~ N(0, I)) with step size η = 2ε, each iteration takes
/// z = P(x + η·s(∇)) (L∞: s = sign; L2: s(g) = g/‖g‖₂) and the momentum step x ← P(x + 0.75·(z − x) + 0.25·(x − x_prev))
/// (α = 1 in the first iteration), where P projects onto the ε-ball and clips to [0, 1]. Checkpoints come after
/// p₁ = ⌊0.22·N_iter⌋ iterations, then each shorter by ⌊0.03·N_iter⌋ down to ⌊0.06·N_iter⌋; at a checkpoint a sample
/// halves η and returns to its best point (highest loss) when fewer than ρ = 0.75 of the steps since the last checkpoint
/// raised the loss, or when it had not halved at the last checkpoint and its best loss has not improved since.
/// The loss is cross-entropy (apgd-ce; targeted, the repository's 'ce-targeted'), DLR (apgd-dlr) or targeted DLR
/// (apgd-t), which runs once per target class, the classes ranked 2 … T+1 by the clean logits. APGD-T's targets run
/// side by side in the batch dimension instead of one after another: a sample's runs all stop at the first
/// iterate of any of them that is misclassified. A sample stops at its first adversarial iterate; a failed one
/// returns its best-loss point (apgd-t: of the target whose best loss is highest).
/// </summary>
public sealed class Apgd : AttackBase
{
    public Apgd(ApgdLoss loss, bool l2)
    {
        Loss = loss;
        L2 = l2;
    }

    public ApgdLoss Loss { get; }
    public bool L2 { get; }

    public override string Name => (Loss switch { ApgdLoss.CrossEntropy => "apgd-ce", ApgdLoss.Dlr => "apgd-dlr", _ => "apgd-t" }) + (L2 ? "-l2" : "");
    public override ThreatNorm Norm => L2 ? ThreatNorm.L2 : ThreatNorm.Linf;

    /// <summary>apgd-ce takes the common target modes; apgd-dlr is untargeted and apgd-t picks its own targets.</summary>
    public override bool SupportsTargeted => Loss == ApgdLoss.CrossEntropy;

    protected override AttackOptions ResolveSpecific(AttackOptions o)
    {
        var eps = o.Epsilon ?? throw new InputException($"{Name} needs ε (--eps)");
        if (o.StepSize is not null) throw new InputException($"{Name} sets its own step size (2ε, halved at checkpoints): --alpha does not apply");
        if (!o.RandomStart) throw new InputException($"{Name} always starts from a random point: --no-random-start does not apply");
        if (!(o.Rho > 0 && o.Rho < 1)) throw new InputException($"{Name}'s ρ must be in (0, 1), got {AttackOptions.Format(o.Rho)}");
        return o with { Epsilon = eps, Steps = o.Steps ?? 100 };
    }

    protected override void CheckSpecific(Nn.Model model, AttackOptions o)
    {
        int need = Loss == ApgdLoss.TargetedDlr ? 4 : Loss == ApgdLoss.Dlr ? 3 : 2;
        if (model.Spec.Classes < need)
            throw new InputException($"{Name}'s DLR loss needs at least {need} classes; the model has {model.Spec.Classes}");
    }

    protected override string Describe(AttackOptions o)
    {
        var settings = new Dictionary<string, object?>
        {
            ["eps"] = o.Epsilon, ["steps"] = o.Steps, ["restarts"] = o.Restarts, ["rho"] = o.Rho, ["loss"] = Loss switch
            {
                ApgdLoss.CrossEntropy => "ce", ApgdLoss.Dlr => "dlr", _ => "dlr-targeted",
            },
        };
        if (Loss == ApgdLoss.TargetedDlr) settings["target_classes"] = o.TargetClasses;
        else settings["target"] = o.Target.ToString().ToLowerInvariant();
        return AttackOptions.Json(settings);
    }

    /// <summary>The checkpoint schedule of autopgd_base.py: first interval, decrement, minimum.</summary>
    public static (int First, int Decrement, int Minimum) Checkpoints(int iterations) =>
        (Math.Max((int)(0.22 * iterations), 1), Math.Max((int)(0.03 * iterations), 1), Math.Max((int)(0.06 * iterations), 1));

    /// <summary>The targets of apgd-t and fab-t for one sample: the classes ranked 2 … T+1 by its clean logits.</summary>
    internal static int[] RankedTargets(AttackBatch b, int row, int count)
    {
        var ranked = DlrLoss.Ranked(b.CleanLogits.AsSpan(row * b.Classes, b.Classes));
        return ranked.Skip(1).Take(Math.Min(count, b.Classes - 1)).ToArray();
    }

    /// <summary>One run of one sample towards one target (−1: none); runs of several units go through the device together.</summary>
    private readonly record struct Unit(int Row, int Target, int Rank);

    internal override void Attack(AttackBatch b)
    {
        var done = new bool[b.N];
        for (int restart = 0; restart < b.Options.Restarts; restart++)
        {
            var units = new List<Unit>();
            if (Loss == ApgdLoss.TargetedDlr)
            {
                int count = Math.Min(b.Options.TargetClasses, b.Classes - 1);
                var targets = b.AttackedRows.ToDictionary(r => r, r => RankedTargets(b, r, count));
                for (int rank = 0; rank < count; rank++)
                    foreach (int r in b.AttackedRows)
                        if (!done[r]) units.Add(new Unit(r, targets[r][rank], rank));
            }
            else
                foreach (int r in b.AttackedRows)
                    if (!done[r]) units.Add(new Unit(r, -1, 0));
            if (units.Count == 0) break;
            SingleRun(b, units.ToArray(), restart, done);
        }
    }

    private void SingleRun(AttackBatch b, Unit[] units, int restart, bool[] done)
    {
        var o = b.Options;
        var be = b.B;
        float eps = o.Epsilon!.Value;
        float dir = b.Targeted ? -1f : 1f;
        int iters = o.Steps!.Value, d = b.ImageSize, u = units.Length;
        var (first, decrement, minimum) = Checkpoints(iters);

        // slots hold units; set.Row(slot) is the unit's index
        using var set = new ActiveSet(b.Device, Enumerable.Range(0, u).ToArray());
        var x0 = set.Empty(b.X.Shape[1..]);
        for (int s = 0; s < u; s++) be.Copy(b.X.Buffer, (long)units[s].Row * d, x0.Buffer, (long)s * d, d);
        var lo = set.Empty(b.X.Shape[1..]);
        var hi = set.Empty(b.X.Shape[1..]);
        if (!L2)
        {
            be.Affine(x0.Buffer, lo.Buffer, lo.Count, 1f, -eps);
            be.Clamp(lo.Buffer, lo.Buffer, lo.Count, 0f, 1f);
            be.Affine(x0.Buffer, hi.Buffer, hi.Count, 1f, eps);
            be.Clamp(hi.Buffer, hi.Buffer, hi.Count, 0f, 1f);
        }
        var x = set.Empty(b.X.Shape[1..]);
        var xOld = set.Empty(b.X.Shape[1..]);
        var xBest = set.Empty(b.X.Shape[1..]);
        var grad = set.Empty(b.X.Shape[1..]);
        var gradBest = set.Empty(b.X.Shape[1..]);

        var stepSize = new float[u];
        var lossBest = new float[u];
        var lossBestLastCheck = new float[u];
        var reducedLastCheck = new bool[u];
        var history = new float[u][];
        for (int j = 0; j < u; j++)
        {
            stepSize[j] = 2f * eps;
            reducedLastCheck[j] = true;
            history[j] = new float[iters];
        }

        using (new TensorScope())
        {
            var t = Tensor.Empty([u, .. b.X.Shape[1..]], b.Device);
            long Sample(int s) => b.GlobalIndex(units[s].Row);
            ulong Stream(int s) => Loss == ApgdLoss.TargetedDlr
                ? AttackRandom.Stream(b.Rng, RandomPurpose.ApgdTargetedStart, restart * 1024L + units[s].Rank)
                : AttackRandom.Stream(b.Rng, RandomPurpose.ApgdStart, restart);
            if (L2) AttackRandom.Normal(t, u, Sample, b.Rng.Seed, Stream, 0f, 1f);
            else AttackRandom.Uniform(t, u, Sample, b.Rng.Seed, Stream, -1f, 1f);
            Normalize(be, t, u, d);
            be.Affine(t.Buffer, t.Buffer, t.Count, eps, 0f);
            be.Binary(BinaryOp.Add, x0.Buffer, t.Buffer, x.Buffer, t.Count);
            be.Clamp(x.Buffer, x.Buffer, t.Count, 0f, 1f);
            be.Copy(x.Buffer, 0, xBest.Buffer, 0, t.Count);
            be.Copy(x.Buffer, 0, xOld.Buffer, 0, t.Count);
        }

        // a sample fooled by one of its units ends all of them
        bool[] Keep(bool[] adversarial)
        {
            for (int s = 0; s < set.Count; s++)
            {
                var unit = units[set.Row(s)];
                if (adversarial[s] && !done[unit.Row])
                {
                    done[unit.Row] = true;
                    be.Copy(x.Buffer, (long)s * d, b.Adversarial.Buffer, (long)unit.Row * d, d);
                }
            }
            var keep = new bool[set.Count];
            for (int s = 0; s < set.Count; s++) keep[s] = !done[units[set.Row(s)].Row];
            return keep;
        }

        // the gradient at the starting point; a start that is already adversarial ends there
        var loss0 = Evaluate(b, set, units, x, grad, out var adv0);
        for (int s = 0; s < set.Count; s++)
        {
            int j = set.Row(s);
            lossBest[j] = loss0[s];
            lossBestLastCheck[j] = loss0[s];
        }
        be.Copy(grad.Buffer, 0, gradBest.Buffer, 0, (long)set.Count * d);
        set.Retain(Keep(adv0));

        int counter = 0, k = first;
        for (int i = 0; i < iters && set.Count > 0; i++)
        {
            using (new TensorScope())
            {
                int n = set.Count;
                long count = (long)n * d;
                var cur = set.View(x);
                var old = set.View(xOld);
                var start = set.View(x0);
                // grad2 = x − x_prev, then x_prev = x
                var momentum = Tensor.Empty(cur.Shape, b.Device);
                be.Binary(BinaryOp.Sub, cur.Buffer, old.Buffer, momentum.Buffer, count);
                be.Copy(cur.Buffer, 0, old.Buffer, 0, count);
                float a = i > 0 ? 0.75f : 1f;
                var z = Tensor.Empty(cur.Shape, b.Device);
                if (L2)
                {
                    be.Copy(grad.Buffer, 0, z.Buffer, 0, count);
                    Normalize(be, z, n, d);
                }
                else be.Unary(UnaryOp.Sign, grad.Buffer, z.Buffer, count);
                var eta = Tensor.FromArray(set.Rows.ToArray().Select(j => dir * stepSize[j]).ToArray(), [n], b.Device);
                be.BinaryRow(BinaryOp.Mul, z.Buffer, eta.Buffer, z.Buffer, n, d);
                be.Binary(BinaryOp.Add, cur.Buffer, z.Buffer, z.Buffer, count);
                Project(be, z, start, lo, hi, eps, n, d);
                // x + (z − x)·a + grad2·(1 − a)
                be.Binary(BinaryOp.Sub, z.Buffer, cur.Buffer, z.Buffer, count);
                be.Affine(z.Buffer, z.Buffer, count, a, 0f);
                be.Binary(BinaryOp.Add, cur.Buffer, z.Buffer, z.Buffer, count);
                be.Affine(momentum.Buffer, momentum.Buffer, count, 1f - a, 0f);
                be.Binary(BinaryOp.Add, z.Buffer, momentum.Buffer, z.Buffer, count);
                Project(be, z, start, lo, hi, eps, n, d);
                be.Copy(z.Buffer, 0, cur.Buffer, 0, count);
            }
            var loss = Evaluate(b, set, units, x, grad, out var adversarial);
            for (int s = 0; s < set.Count; s++)
            {
                int j = set.Row(s);
                b.Steps[units[j].Row]++;
                history[j][i] = loss[s];
                if (adversarial[s]) continue;
                if (loss[s] > lossBest[j])
                {
                    set.CopySlot(x, s, xBest, s);
                    set.CopySlot(grad, s, gradBest, s);
                    lossBest[j] = loss[s];
                }
            }
            var keep = Keep(adversarial);
            counter++;
            if (counter == k)
            {
                for (int s = 0; s < set.Count; s++)
                {
                    int j = set.Row(s);
                    if (!keep[s]) continue;
                    int increases = 0;
                    for (int q = 0; q < k; q++)
                    {
                        // autopgd_base.py reads loss_steps[-1] (still zero) at the first checkpoint
                        float now = history[j][i - q], before = i - q - 1 >= 0 ? history[j][i - q - 1] : 0f;
                        if (now > before) increases++;
                    }
                    bool oscillation = increases <= k * o.Rho;
                    bool noImprovement = !reducedLastCheck[j] && lossBestLastCheck[j] >= lossBest[j];
                    bool reduce = oscillation || noImprovement;
                    reducedLastCheck[j] = reduce;
                    lossBestLastCheck[j] = lossBest[j];
                    if (reduce)
                    {
                        stepSize[j] /= 2f;
                        set.CopySlot(xBest, s, x, s);
                        set.CopySlot(gradBest, s, grad, s);
                    }
                }
                k = Math.Max(k - decrement, minimum);
                counter = 0;
            }
            set.Retain(keep);
        }
        // not fooled in this run: each sample returns the best-loss point of its unit with the highest best loss
        var chosen = new Dictionary<int, int>();
        for (int s = 0; s < set.Count; s++)
        {
            int j = set.Row(s), r = units[j].Row;
            if (!chosen.TryGetValue(r, out int other) || lossBest[j] > lossBest[set.Row(other)]) chosen[r] = s;
        }
        foreach (var (r, s) in chosen) be.Copy(xBest.Buffer, (long)s * d, b.Adversarial.Buffer, (long)r * d, d);
    }

    /// <summary>t ← t/(‖t‖ + 10⁻¹²) per row, in the attack's norm (autopgd_base.py's normalize).</summary>
    private void Normalize(Backend be, Tensor t, int n, int d)
    {
        using var scope = new TensorScope();
        var view = t.View([n, d]);
        var norm = Ops.ReduceRows(view, L2 ? RowReduce.SumSquares : RowReduce.MaxAbs);
        if (L2) be.Unary(UnaryOp.Sqrt, norm.Buffer, norm.Buffer, n);
        be.Affine(norm.Buffer, norm.Buffer, n, 1f, 1e-12f);
        be.BinaryRow(BinaryOp.Div, t.Buffer, norm.Buffer, t.Buffer, n, d);
    }

    /// <summary>
    /// Onto the ε-ball around x₀ and into [0, 1]. L∞: the box [lo, hi]. L2: x₀ + v/(‖v‖ + 10⁻¹²)·min(ε, ‖v‖) with
    /// v = z − x₀, then clipped, as autopgd_base.py does (so the clip can only shrink ‖v‖).
    /// </summary>
    private void Project(Backend be, Tensor z, Tensor x0, Tensor lo, Tensor hi, float eps, int n, int d)
    {
        long count = (long)n * d;
        if (!L2)
        {
            be.Binary(BinaryOp.Max, z.Buffer, lo.Buffer, z.Buffer, count);
            be.Binary(BinaryOp.Min, z.Buffer, hi.Buffer, z.Buffer, count);
            return;
        }
        using var scope = new TensorScope();
        var v = Tensor.Empty([n, d], z.Device);
        be.Binary(BinaryOp.Sub, z.Buffer, x0.Buffer, v.Buffer, count);
        var norm = Ops.ReduceRows(v, RowReduce.SumSquares);
        be.Unary(UnaryOp.Sqrt, norm.Buffer, norm.Buffer, n);
        var factor = Tensor.Empty([n], z.Device);
        var den = Tensor.Empty([n], z.Device);
        be.Clamp(norm.Buffer, factor.Buffer, n, 0f, eps);
        be.Affine(norm.Buffer, den.Buffer, n, 1f, 1e-12f);
        be.Binary(BinaryOp.Div, factor.Buffer, den.Buffer, factor.Buffer, n);
        be.BinaryRow(BinaryOp.Mul, v.Buffer, factor.Buffer, v.Buffer, n, d);
        be.Binary(BinaryOp.Add, x0.Buffer, v.Buffer, z.Buffer, count);
        be.Clamp(z.Buffer, z.Buffer, count, 0f, 1f);
    }

    /// <summary>Loss, its gradient (into the tracked grad tensor) and adversarial flags at x for the active slots.</summary>
    private float[] Evaluate(AttackBatch b, ActiveSet set, Unit[] units, Tensor x, Tensor gradFull, out bool[] adversarial)
    {
        using var scope = new TensorScope();
        int n = set.Count, k = b.Classes;
        Tensor logits, g;
        var loss = new float[n];
        if (Loss == ApgdLoss.CrossEntropy)
        {
            var goals = new int[n];
            for (int s = 0; s < n; s++) goals[s] = b.Goal(units[set.Row(s)].Row);
            using var goal = IntTensor.FromArray(goals, b.Device);
            (logits, var losses, g) = InputGradient.CrossEntropy(b.Model, set.View(x), goal);
            loss = losses.ToArray();
            if (b.Targeted) for (int s = 0; s < n; s++) loss[s] = -loss[s];
        }
        else
        {
            (logits, g) = InputGradient.LogitCombination(b.Model, set.View(x), lg =>
            {
                var z = lg.ToArray();
                var seed = new float[n * k];
                var dz = new double[k];
                for (int s = 0; s < n; s++)
                {
                    var unit = units[set.Row(s)];
                    var row = z.AsSpan(s * k, k);
                    double l = unit.Target < 0 ? DlrLoss.Untargeted(row, b.Labels[unit.Row], dz) : DlrLoss.Targeted(row, b.Labels[unit.Row], unit.Target, dz);
                    loss[s] = (float)l;
                    for (int c = 0; c < k; c++) seed[s * k + c] = (float)dz[c];
                }
                return Tensor.FromArray(seed, [n, k], b.Device);
            });
        }
        using (g) b.B.Copy(g.Buffer, 0, gradFull.Buffer, 0, g.Count);
        for (int s = 0; s < n; s++)
        {
            int r = units[set.Row(s)].Row;
            b.Queries[r]++;
            b.Gradients[r]++;
        }
        var pred = InputGradient.Predictions(logits);
        adversarial = new bool[n];
        for (int s = 0; s < n; s++) adversarial[s] = b.IsAdversarial(units[set.Row(s)].Row, pred[s]);
        return loss;
    }
}
