using FastRobust.Autograd;
using FastRobust.Tensors;
using FastRobust.Util;

namespace FastRobust.Attacks;

/// <summary>
/// Carlini–Wagner L2 (2017), as in Carlini's code and Foolbox. In tanh space w (x = (tanh w + 1)/2, starting at
/// w₀ = atanh((2x₀ − 1)·0.999999)), Adam (lr 0.01) minimises ‖x − x̂₀‖₂² + c·max(z_y − max_{i≠y} z_i + κ, 0)
/// (targeted: max(max_{i≠t} z_i − z_t + κ, 0)), x̂₀ = (tanh w₀ + 1)/2, for each sample with its own c. A binary
/// search over c (9 steps from c = 1e-3: ×10 until a success, then bisection) keeps, per sample, the adversarial
/// x closest to x₀ whose logits win by κ. Each search step restarts Adam from w₀. Early abort per sample: every
/// ⌈steps/10⌉ steps its loss must have dropped below 0.9999 of the last check, or it stops for that search step.
/// Returns x₀ for samples never made adversarial.
/// </summary>
public sealed class CarliniWagnerL2 : AttackBase
{
    public override string Name => "cw";
    public override ThreatNorm Norm => ThreatNorm.L2;
    protected override bool MinimalPerturbation => true;

    protected override AttackOptions ResolveSpecific(AttackOptions o)
    {
        if (o.StepSize is not null) throw new InputException("cw's step is Adam's learning rate (--lr): --alpha does not apply");
        if (o.Restarts != 1) throw new InputException("cw is deterministic: --restarts must be 1");
        if (o.BinarySearchSteps < 1) throw new InputException($"cw needs at least one binary-search step, got {o.BinarySearchSteps}");
        AttackOptions.Positive(o.InitialConst, "cw's initial constant");
        AttackOptions.Positive(o.LearningRate, "cw's learning rate (--lr)");
        if (!(o.Confidence >= 0) || float.IsInfinity(o.Confidence)) throw new InputException($"cw's confidence κ must be a non-negative number, got {AttackOptions.Format(o.Confidence)}");
        return o with { Steps = o.Steps ?? 1000 };
    }

    protected override string Describe(AttackOptions o) => AttackOptions.Json(new Dictionary<string, object?>
    {
        ["eps"] = o.Epsilon, ["steps"] = o.Steps, ["binary_search_steps"] = o.BinarySearchSteps, ["initial_const"] = o.InitialConst,
        ["lr"] = o.LearningRate, ["confidence"] = o.Confidence, ["abort_early"] = o.AbortEarly, ["target"] = o.Target.ToString().ToLowerInvariant(),
    });

    internal override void Attack(AttackBatch b)
    {
        var o = b.Options;
        var be = b.B;
        int n = b.N, k = b.Classes, d = b.ImageSize, steps = o.Steps!.Value;
        float kappa = o.Confidence;
        var rows = b.AttackedRows;

        // w₀ and x̂₀ on the host, then on the device
        var x0Host = b.X.ToArray();
        var w0Host = new float[x0Host.Length];
        var xrecHost = new float[x0Host.Length];
        for (int i = 0; i < x0Host.Length; i++)
        {
            float w = MathF.Atanh((x0Host[i] - 0.5f) / 0.5f * 0.999999f);
            w0Host[i] = w;
            xrecHost[i] = MathF.Tanh(w) * 0.5f + 0.5f;
        }
        using var w0 = Tensor.FromArray(w0Host, b.X.Shape, b.Device).KeepAlive();
        using var xrec = Tensor.FromArray(xrecHost, b.X.Shape, b.Device).KeepAlive();

        var consts = new double[n];
        var lower = new double[n];
        var upper = new double[n];
        Array.Fill(consts, o.InitialConst);
        Array.Fill(upper, double.PositiveInfinity);
        var bestNorm = new double[n];
        Array.Fill(bestNorm, double.PositiveInfinity);

        for (int bs = 0; bs < o.BinarySearchSteps; bs++)
        {
            if (bs == o.BinarySearchSteps - 1 && o.BinarySearchSteps >= 10)
                foreach (int r in rows) consts[r] = Math.Min(upper[r], 1e10);
            var found = new bool[n];
            var previous = new double[n];
            Array.Fill(previous, double.PositiveInfinity);
            using var set = new ActiveSet(b.Device, rows);
            var w = set.Gather(w0);
            var target = set.Gather(xrec);
            var origin = set.Gather(b.X);
            var m = set.Zeros(b.X.Shape[1..]);
            var v = set.Zeros(b.X.Shape[1..]);
            for (int step = 0; step < steps && set.Count > 0; step++)
            {
                using var scope = new TensorScope();
                int count = set.Count;
                var wv = set.View(w).Detach();
                wv.RequiresGrad = true;
                var xk = Ops.Affine(Ops.Tanh(wv), 0.5f, 0.5f);
                var dist = Ops.SumRows(Ops.Square(Ops.Sub(xk, set.View(target))));
                var logits = b.Model.Forward(xk);
                var lg = logits.ToArray();
                var sq = dist.ToArray();
                // the margin term's gradient is a seed on the logits: +c at the class to lower, −c at the one to raise
                var seed = new float[count * k];
                var loss = new double[count];
                var pred = new int[count];
                for (int s = 0; s < count; s++)
                {
                    int row = set.Row(s);
                    var z = lg.AsSpan(s * k, k);
                    int goal = b.Goal(row), other = BestOther(z, goal);
                    float margin = b.Targeted ? z[other] - z[goal] : z[goal] - z[other];
                    float hinge = Math.Max(margin + kappa, 0f);
                    float c = (float)consts[row];
                    loss[s] = c * hinge + sq[s];
                    if (margin + kappa > 0)
                    {
                        seed[s * k + (b.Targeted ? other : goal)] += c;
                        seed[s * k + (b.Targeted ? goal : other)] -= c;
                    }
                    pred[s] = WithConfidence(z, goal, b.Targeted, kappa);
                }
                var marginLoss = Ops.Sum(Ops.Mul(logits, Tensor.FromArray(seed, [count, k], b.Device)));
                Tape.Backward(Ops.Add(Ops.Sum(dist), marginLoss));
                using (var g = wv.Grad!)
                {
                    wv.Grad = null;
                    be.AdamStep(set.View(w).Buffer, g.Buffer, set.View(m).Buffer, set.View(v).Buffer, 0, (long)count * d,
                        o.LearningRate, 0.9f, 0.999f, 1e-8f, 0f, false, step + 1);
                }
                foreach (int r in set.Rows) { b.Queries[r]++; b.Gradients[r]++; b.Steps[r]++; }

                var keep = new bool[count];
                Array.Fill(keep, true);
                if (o.AbortEarly && step % (int)Math.Ceiling(steps / 10.0) == 0)
                {
                    for (int s = 0; s < count; s++)
                    {
                        int row = set.Row(s);
                        if (!(loss[s] <= 0.9999 * previous[row])) keep[s] = false;
                        else previous[row] = loss[s];
                    }
                }
                var norms = Ops.ReduceRows(Ops.Sub(xk, set.View(origin)).Detach(), RowReduce.SumSquares).ToArray();
                for (int s = 0; s < count; s++)
                {
                    if (!keep[s]) continue;
                    int row = set.Row(s);
                    bool adversarial = b.Targeted ? pred[s] == b.Goal(row) : pred[s] != b.Goal(row);
                    if (!adversarial) continue;
                    found[row] = true;
                    double norm = Math.Sqrt(norms[s]);
                    if (norm < bestNorm[row])
                    {
                        bestNorm[row] = norm;
                        be.Copy(xk.Buffer, (long)s * d, b.Adversarial.Buffer, (long)row * d, d);
                    }
                }
                set.Retain(keep);
            }
            foreach (int r in rows)
            {
                if (found[r]) upper[r] = Math.Min(upper[r], consts[r]);
                else lower[r] = Math.Max(lower[r], consts[r]);
                consts[r] = double.IsPositiveInfinity(upper[r]) ? consts[r] * 10 : (lower[r] + upper[r]) / 2;
            }
        }
    }

    /// <summary>The largest logit among the classes other than <paramref name="goal"/>.</summary>
    private static int BestOther(ReadOnlySpan<float> z, int goal)
    {
        int best = goal == 0 ? 1 : 0;
        for (int j = 0; j < z.Length; j++) if (j != goal && z[j] > z[best]) best = j;
        return best;
    }

    /// <summary>The prediction with the confidence margin applied (Carlini's compare): z_y + κ untargeted, z_t − κ targeted.</summary>
    private static int WithConfidence(ReadOnlySpan<float> z, int goal, bool targeted, float kappa)
    {
        int best = 0;
        float bestValue = float.NegativeInfinity;
        for (int j = 0; j < z.Length; j++)
        {
            float value = j == goal ? z[j] + (targeted ? -kappa : kappa) : z[j];
            if (value > bestValue) { bestValue = value; best = j; }
        }
        return best;
    }
}
