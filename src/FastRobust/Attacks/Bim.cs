using FastRobust.Util;

namespace FastRobust.Attacks;

/// <summary>
/// BIM / I-FGSM (Kurakin et al. 2017): FGSM steps of size α, each clipped to the ε-ball and [0, 1], from the clean
/// image. Defaults are the paper's: α = 1/255 and ⌊min(255ε + 4, 1.25·255ε)⌋ steps (at least one).
/// </summary>
public sealed class Bim : AttackBase
{
    public override string Name => "bim";
    public override bool SupportsAllSamples => true;
    public override ThreatNorm Norm => ThreatNorm.Linf;

    protected override AttackOptions ResolveSpecific(AttackOptions o)
    {
        var eps = o.Epsilon ?? throw new InputException("bim needs ε (--eps)");
        if (o.Restarts != 1) throw new InputException("bim starts from the clean image and is deterministic: --restarts must be 1 (pgd has random starts)");
        int steps = o.Steps ?? Math.Max(1, (int)Math.Min(eps * 255 + 4, 1.25 * eps * 255));
        return o with { Epsilon = eps, StepSize = o.StepSize ?? 1f / 255f, Steps = steps, RandomStart = false };
    }

    protected override string Describe(AttackOptions o) => o.Json(new Dictionary<string, object?>
    {
        ["eps"] = o.Epsilon, ["alpha"] = o.StepSize, ["steps"] = o.Steps, ["early_stop"] = o.EarlyStop,
        ["target"] = o.Target.ToString().ToLowerInvariant(),
    });

    internal override void Attack(AttackBatch b)
    {
        var o = b.Options;
        ProjectedGradient.Run(b, new(false, o.Epsilon!.Value, o.StepSize!.Value, o.Steps!.Value, false, 1, o.EarlyStop));
    }
}
