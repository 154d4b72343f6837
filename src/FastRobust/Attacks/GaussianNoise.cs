using FastRobust.Tensors;
using FastRobust.Util;

namespace FastRobust.Attacks;

/// <summary>
/// Gaussian noise, the "natural" baseline: x' = clip_[0,1](x + σ·z), z ~ N(0, I), σ = ε. --restarts draws up to that
/// many independent noises per sample, stopping at the first that is misclassified (one draw by default). No
/// gradients, no ε-ball: the noise is unbounded.
/// </summary>
public sealed class GaussianNoise : AttackBase
{
    public override string Name => "gaussian";
    public override bool SupportsAllSamples => true;
    public override ThreatNorm Norm => ThreatNorm.None;
    public override bool SupportsTargeted => false;

    protected override AttackOptions ResolveSpecific(AttackOptions o)
    {
        var sigma = o.Epsilon ?? throw new InputException("gaussian needs σ (--eps)");
        if (o.StepSize is not null) throw new InputException("gaussian takes no step size: --alpha does not apply");
        if (o.Steps is not null) throw new InputException("gaussian draws once per restart: use --restarts for more draws, not --steps");
        return o with { Epsilon = sigma };
    }

    protected override string Describe(AttackOptions o) => o.Json(new Dictionary<string, object?>
    {
        ["sigma"] = o.Epsilon, ["draws"] = o.Restarts,
    });

    internal override void Attack(AttackBatch b)
    {
        var o = b.Options;
        var be = b.B;
        float sigma = o.Epsilon!.Value;
        var rows = b.AttackedRows;
        for (int draw = 0; draw < o.Restarts && rows.Length > 0; draw++)
        {
            using var set = new ActiveSet(b.Device, rows);
            var x = set.Gather(b.X);
            int n = set.Count;
            using var scope = new TensorScope();
            var noise = Tensor.Empty([n, b.C, b.H, b.W], b.Device);
            AttackRandom.Normal(noise, n, s => b.GlobalIndex(set.Row(s)), b.Rng.Seed,
                AttackRandom.Stream(b.Rng, RandomPurpose.Gaussian, draw), 0f, sigma);
            var cur = set.View(x);
            be.Binary(BinaryOp.Add, cur.Buffer, noise.Buffer, cur.Buffer, cur.Count);
            be.Clamp(cur.Buffer, cur.Buffer, cur.Count, 0f, 1f);
            var pred = InputGradient.Predictions(InputGradient.Logits(b.Model, cur));
            var left = new List<int>();
            for (int s = 0; s < n; s++)
            {
                int r = set.Row(s);
                b.Steps[r]++;
                b.Queries[r]++;
                bool adversarial = b.IsAdversarial(r, pred[s]);
                if (adversarial || draw == o.Restarts - 1) set.Scatter(x, s, b.Adversarial);
                if (!adversarial) left.Add(r);
            }
            rows = left.ToArray();
        }
    }
}
