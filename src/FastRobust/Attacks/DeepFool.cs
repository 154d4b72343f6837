using FastRobust.Tensors;
using FastRobust.Util;

namespace FastRobust.Attacks;

/// <summary>
/// DeepFool, L2 (Moosavi-Dezfooli et al. 2016), as Foolbox implements the paper. With i₀ the clean prediction and
/// i₁ … i_{m} the next most likely classes (m = candidates − 1), each step at the current x takes, for every k,
/// l_k = z_{i_k} − z_{i₀} and w_k = ∇ₓ l_k, picks the k with the smallest |l_k|/‖w_k‖₂ (+1e-8 in the norm),
/// and adds r = (|l_k|/‖w_k‖ + 1e-4)·w_k/‖w_k‖ to the total perturbation; then x = clip_[0,1](x₀ + (1 + η)·r_total).
/// A sample stops at the first x that is misclassified, or after the maximum number of steps. The m gradients of
/// a step come from one backward pass over m copies of the active samples, each seeded with its own logit
/// difference. Untargeted only.
/// </summary>
public sealed class DeepFool : AttackBase
{
    public override string Name => "deepfool";
    public override ThreatNorm Norm => ThreatNorm.L2;
    public override bool SupportsTargeted => false;
    protected override bool MinimalPerturbation => true;

    protected override int BatchSize(AttackOptions o) => Math.Max(1, o.Batch / Math.Max(1, o.Candidates - 1));

    protected override AttackOptions ResolveSpecific(AttackOptions o)
    {
        if (o.StepSize is not null) throw new InputException("deepfool computes its own steps: --alpha does not apply");
        if (o.Restarts != 1) throw new InputException("deepfool is deterministic: --restarts must be 1");
        if (!(o.Overshoot >= 0) || float.IsInfinity(o.Overshoot)) throw new InputException($"the overshoot must be a non-negative number, got {AttackOptions.Format(o.Overshoot)}");
        if (o.Candidates < 2) throw new InputException($"deepfool needs at least 2 candidate classes, got {o.Candidates}");
        return o with { Steps = o.Steps ?? 50 };
    }

    protected override string Describe(AttackOptions o) => AttackOptions.Json(new Dictionary<string, object?>
    {
        ["eps"] = o.Epsilon, ["steps"] = o.Steps, ["overshoot"] = o.Overshoot, ["candidates"] = o.Candidates,
    });

    internal override void Attack(AttackBatch b)
    {
        var o = b.Options;
        var be = b.B;
        int k = b.Classes, cand = Math.Min(o.Candidates, k), m = cand - 1, d = b.ImageSize, steps = o.Steps!.Value;
        var classes = new int[b.N][];
        foreach (int r in b.AttackedRows)
        {
            var row = b.CleanLogits.AsSpan(r * k, k).ToArray();
            classes[r] = Enumerable.Range(0, k).OrderByDescending(j => row[j]).ThenBy(j => j).Take(cand).ToArray();
        }
        using var set = new ActiveSet(b.Device, b.AttackedRows);
        var x0 = set.Gather(b.X);
        var x = set.Gather(b.X);
        var total = set.Zeros(b.X.Shape[1..]);
        for (int it = 0; it <= steps && set.Count > 0; it++)
        {
            using var scope = new TensorScope();
            int n = set.Count;
            var rep = Tensor.Empty([m * n, b.C, b.H, b.W], b.Device);
            for (int j = 0; j < m; j++) be.Copy(x.Buffer, 0, rep.Buffer, (long)j * n * d, (long)n * d);
            var seed = new float[m * n * k];
            for (int j = 0; j < m; j++)
                for (int s = 0; s < n; s++)
                {
                    var c = classes[set.Row(s)];
                    seed[(j * n + s) * k + c[j + 1]] += 1f;
                    seed[(j * n + s) * k + c[0]] -= 1f;
                }
            var seedT = Tensor.FromArray(seed, [m * n, k], b.Device);
            var (logits, grad) = InputGradient.LogitCombination(b.Model, rep, _ => seedT);
            using var gradScope = grad;
            foreach (int r in set.Rows) { b.Queries[r] += m; b.Gradients[r] += m; }
            var lg = logits.ToArray();
            var keep = new bool[n];
            for (int s = 0; s < n; s++)
            {
                bool adversarial = b.IsAdversarial(set.Row(s), ArgMax(lg.AsSpan(s * k, k)));
                keep[s] = !adversarial && it < steps;
                if (!keep[s]) set.Scatter(x, s, b.Adversarial);
            }
            if (it == steps) break;
            var sq = Autograd.Ops.ReduceRows(grad, RowReduce.SumSquares).ToArray();
            var step = Tensor.Empty([n, b.C, b.H, b.W], b.Device);
            var coef = new float[n];
            for (int s = 0; s < n; s++)
            {
                var c = classes[set.Row(s)];
                int best = 0;
                float bestDist = float.PositiveInfinity, bestNorm = 1f;
                for (int j = 0; j < m; j++)
                {
                    int r = j * n + s;
                    float loss = lg[r * k + c[j + 1]] - lg[r * k + c[0]];
                    float norm = MathF.Sqrt(sq[r]);
                    float dist = MathF.Abs(loss) / (norm + 1e-8f);
                    if (dist < bestDist) { bestDist = dist; best = j; bestNorm = norm; }
                }
                coef[s] = (bestDist + 1e-4f) / (bestNorm + 1e-8f);
                be.Copy(grad.Buffer, (long)(best * n + s) * d, step.Buffer, (long)s * d, d);
                if (keep[s]) b.Steps[set.Row(s)]++;
            }
            var coefT = Tensor.FromArray(coef, [n], b.Device);
            be.BinaryRow(BinaryOp.Mul, step.Buffer, coefT.Buffer, step.Buffer, n, d);
            var tot = set.View(total);
            var cur = set.View(x);
            var origin = set.View(x0);
            be.Binary(BinaryOp.Add, tot.Buffer, step.Buffer, tot.Buffer, tot.Count);
            be.Affine(tot.Buffer, cur.Buffer, cur.Count, 1f + o.Overshoot, 0f);
            be.Binary(BinaryOp.Add, origin.Buffer, cur.Buffer, cur.Buffer, cur.Count);
            be.Clamp(cur.Buffer, cur.Buffer, cur.Count, 0f, 1f);
            set.Retain(keep);
        }
    }

    private static int ArgMax(ReadOnlySpan<float> row)
    {
        int best = 0;
        for (int j = 1; j < row.Length; j++) if (row[j] > row[best]) best = j;
        return best;
    }
}
