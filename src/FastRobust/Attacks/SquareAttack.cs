using FastRobust.Random;
using FastRobust.Tensors;
using FastRobust.Util;

namespace FastRobust.Attacks;

/// <summary>
/// Square attack, L∞ (Andriushchenko et al. 2020): a score-based black box that uses logits only. Start from
/// vertical stripes x₀ + ε·s (one random sign s per channel and column), then per query propose, for each sample
/// still robust, its best image with one random s×s window set to ±2ε (one sign per channel), projected onto the
/// ε-ball and [0, 1]; keep the proposal when it lowers the loss or is adversarial. The loss is the margin
/// z_y − max_{i≠y} z_i (untargeted) or CE(target) (targeted); the window side follows p_init (0.8) halved at
/// queries 10, 50, 200, 500, 1000, 2000, 4000, 6000 and 8000 of 10,000 (rescaled to the query budget), as in
/// the auto-attack repository's square.py. Unlike that file, and like the paper's code, every sample draws its own
/// window position and signs. Proposals are built on the host; forward passes run batched on the device.
/// </summary>
public sealed class SquareAttack : AttackBase
{
    public override string Name => "square";
    public override ThreatNorm Norm => ThreatNorm.Linf;

    protected override AttackOptions ResolveSpecific(AttackOptions o)
    {
        var eps = o.Epsilon ?? throw new InputException("square needs ε (--eps)");
        if (o.StepSize is not null) throw new InputException("square takes no step size: --alpha does not apply");
        if (!(o.PInit > 0 && o.PInit <= 1)) throw new InputException($"square's p_init must be in (0, 1], got {AttackOptions.Format(o.PInit)}");
        return o with { Epsilon = eps, Steps = o.Steps ?? 5000 };
    }

    protected override string Describe(AttackOptions o) => AttackOptions.Json(new Dictionary<string, object?>
    {
        ["eps"] = o.Epsilon, ["queries"] = o.Steps, ["p_init"] = o.PInit, ["restarts"] = o.Restarts, ["target"] = o.Target.ToString().ToLowerInvariant(),
    });

    protected override void CheckSpecific(Nn.Model model, AttackOptions o)
    {
        if (model.Spec.Input[0] > 32) throw new InputException($"square draws one sign per channel from 32 random bits: {model.Spec.Input[0]} channels are too many");
    }

    /// <summary>square.py's p_selection with the schedule rescaled to the query budget.</summary>
    public static double PSelection(float pInit, int iteration, int queries)
    {
        int it = (int)((double)iteration / queries * 10000);
        int halvings = it <= 10 ? 0 : it <= 50 ? 1 : it <= 200 ? 2 : it <= 500 ? 3 : it <= 1000 ? 4 : it <= 2000 ? 5
            : it <= 4000 ? 6 : it <= 6000 ? 7 : it <= 8000 ? 8 : 9;
        return (double)pInit / (1 << halvings);
    }

    internal override void Attack(AttackBatch b)
    {
        var rows = b.AttackedRows;
        var done = new bool[b.N];
        var x0 = b.X.ToArray();
        for (int restart = 0; restart < b.Options.Restarts && rows.Length > 0; restart++)
        {
            SingleRun(b, x0, rows, restart, done);
            rows = rows.Where(r => !done[r]).ToArray();
        }
    }

    private static void SingleRun(AttackBatch b, float[] x0, int[] rows, int restart, bool[] done)
    {
        var o = b.Options;
        float eps = o.Epsilon!.Value, twoEps = 2f * eps;
        int c = b.C, h = b.H, w = b.W, d = b.ImageSize, queries = o.Steps!.Value;
        ulong seed = b.Rng.Seed;
        var best = new float[b.N][];
        var marginMin = new float[b.N];
        var lossMin = new float[b.N];

        // vertical stripes: one sign per (channel, column)
        ulong initStream = AttackRandom.Stream(b.Rng, RandomPurpose.SquareInit, restart);
        var bits = new uint[c * w];
        foreach (int r in rows)
        {
            AttackRandom.Bits(bits, seed, initStream, b.GlobalIndex(r));
            var img = new float[d];
            for (int ch = 0; ch < c; ch++)
                for (int y = 0; y < h; y++)
                    for (int xx = 0; xx < w; xx++)
                    {
                        int i = (ch * h + y) * w + xx;
                        float s = (bits[ch * w + xx] >> 31) != 0 ? 1f : -1f;
                        img[i] = Math.Clamp(x0[r * d + i] + eps * s, 0f, 1f);
                    }
            best[r] = img;
        }
        var active = rows.ToList();
        Score(b, active, best, marginMin, lossMin);
        foreach (int r in active) b.Queries[r]++;
        active = Finish(b, active, best, marginMin, done);

        ulong stepStream = AttackRandom.Stream(b.Rng, RandomPurpose.SquareStep, restart);
        for (int it = 0; it < queries && active.Count > 0; it++)
        {
            double p = PSelection(o.PInit, it, queries);
            int side = Math.Max((int)Math.Round(Math.Sqrt(p * d / c), MidpointRounding.ToEven), 1);
            side = Math.Min(side, Math.Min(h, w));
            var proposals = new float[active.Count][];
            for (int a = 0; a < active.Count; a++)
            {
                int r = active[a];
                Philox.Block(seed, stepStream, (ulong)b.GlobalIndex(r) * (ulong)queries + (ulong)it, out uint u0, out uint u1, out uint u2, out _);
                int vh = Philox.Below(u0, h - side), vw = Philox.Below(u1, w - side);
                var img = (float[])best[r].Clone();
                for (int ch = 0; ch < c; ch++)
                {
                    float delta = ((u2 >> ch) & 1) != 0 ? twoEps : -twoEps;
                    for (int y = vh; y < vh + side; y++)
                        for (int xx = vw; xx < vw + side; xx++)
                        {
                            int i = (ch * h + y) * w + xx;
                            float orig = x0[r * d + i];
                            float v = img[i] + delta;
                            v = Math.Min(Math.Max(v, orig - eps), orig + eps);
                            img[i] = Math.Clamp(v, 0f, 1f);
                        }
                }
                proposals[a] = img;
            }
            var (margin, loss) = MarginAndLoss(b, active, proposals);
            for (int a = 0; a < active.Count; a++)
            {
                int r = active[a];
                bool improved = loss[a] < lossMin[r];
                if (improved) lossMin[r] = loss[a];
                if (improved || margin[a] <= 0)
                {
                    marginMin[r] = margin[a];
                    best[r] = proposals[a];
                }
                b.Queries[r]++;
                b.Steps[r]++;
            }
            active = Finish(b, active, best, marginMin, done);
        }
        // not fooled: the best image found
        foreach (int r in active) b.B.Upload(best[r], b.Adversarial.Buffer, (long)r * d);
    }

    /// <summary>Writes the adversarial rows out and returns the rows still robust.</summary>
    private static List<int> Finish(AttackBatch b, List<int> active, float[][] best, float[] marginMin, bool[] done)
    {
        var left = new List<int>();
        foreach (int r in active)
        {
            if (marginMin[r] <= 0)
            {
                done[r] = true;
                b.B.Upload(best[r], b.Adversarial.Buffer, (long)r * b.ImageSize);
            }
            else left.Add(r);
        }
        return left;
    }

    private static void Score(AttackBatch b, List<int> active, float[][] images, float[] marginMin, float[] lossMin)
    {
        var (margin, loss) = MarginAndLoss(b, active, active.Select(r => images[r]).ToArray());
        for (int a = 0; a < active.Count; a++)
        {
            marginMin[active[a]] = margin[a];
            lossMin[active[a]] = loss[a];
        }
    }

    /// <summary>square.py's margin_and_loss with loss 'margin' (untargeted) or cross-entropy (targeted).</summary>
    private static (float[] Margin, float[] Loss) MarginAndLoss(AttackBatch b, List<int> active, float[][] images)
    {
        int n = active.Count, d = b.ImageSize, k = b.Classes;
        float[] lg;
        using (new TensorScope())
        {
            var x = Tensor.Empty([n, b.C, b.H, b.W], b.Device);
            for (int a = 0; a < n; a++) b.B.Upload(images[a], x.Buffer, (long)a * d);
            lg = InputGradient.Logits(b.Model, x).ToArray();
        }
        var margin = new float[n];
        var loss = new float[n];
        for (int a = 0; a < n; a++)
        {
            var z = lg.AsSpan(a * k, k);
            int goal = b.Goal(active[a]);
            float other = float.NegativeInfinity;
            for (int j = 0; j < k; j++) if (j != goal && z[j] > other) other = z[j];
            if (!b.Targeted)
            {
                margin[a] = z[goal] - other;
                loss[a] = margin[a];
            }
            else
            {
                margin[a] = other - z[goal];
                float max = float.NegativeInfinity;
                for (int j = 0; j < k; j++) max = Math.Max(max, z[j]);
                double sum = 0;
                for (int j = 0; j < k; j++) sum += Math.Exp(z[j] - max);
                loss[a] = (float)(max + Math.Log(sum) - z[goal]);
            }
        }
        return (margin, loss);
    }
}
