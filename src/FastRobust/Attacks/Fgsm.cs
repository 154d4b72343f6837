using FastRobust.Util;

namespace FastRobust.Attacks;

/// <summary>
/// FGSM (Goodfellow et al. 2015): x_adv = clip_[0,1](x + ε·sign(∇ₓ CE(f(x), y))); targeted, one step down the
/// target's cross-entropy: x − ε·sign(∇ₓ CE(f(x), t)).
/// </summary>
public sealed class Fgsm : AttackBase
{
    public override string Name => "fgsm";
    public override bool SupportsAllSamples => true;
    public override ThreatNorm Norm => ThreatNorm.Linf;

    protected override AttackOptions ResolveSpecific(AttackOptions o)
    {
        var eps = o.Epsilon ?? throw new InputException("fgsm needs ε (--eps)");
        if (o.StepSize is not null) throw new InputException("fgsm takes one step of size ε: --alpha does not apply");
        if (o.Steps is not null && o.Steps != 1) throw new InputException("fgsm takes exactly one step: use bim or pgd for more");
        if (o.Restarts != 1) throw new InputException("fgsm is deterministic: --restarts must be 1");
        return o with { Epsilon = eps, StepSize = eps, Steps = 1, RandomStart = false };
    }

    protected override string Describe(AttackOptions o) => o.Json(new Dictionary<string, object?>
    {
        ["eps"] = o.Epsilon, ["target"] = o.Target.ToString().ToLowerInvariant(),
    });

    internal override void Attack(AttackBatch b) =>
        ProjectedGradient.Run(b, new(false, b.Options.Epsilon!.Value, b.Options.Epsilon!.Value, 1, false, 1, b.Options.EarlyStop));
}
