using FastRobust.Util;

namespace FastRobust.Attacks;

/// <summary>
/// PGD (Madry et al. 2018) in the L∞ ball (<c>pgd</c>) or the L2 ball (<c>pgd-l2</c>): projected steps of size α
/// from a random start. Defaults (torchattacks' with Madry's α rule): 10 steps, α = 2.5·ε/steps, random start on,
/// one restart.
/// </summary>
public sealed class Pgd(bool l2) : AttackBase
{
    public Pgd() : this(false) { }

    public bool L2 { get; } = l2;
    public override string Name => L2 ? "pgd-l2" : "pgd";
    public override bool SupportsAllSamples => true;
    public override ThreatNorm Norm => L2 ? ThreatNorm.L2 : ThreatNorm.Linf;

    protected override AttackOptions ResolveSpecific(AttackOptions o)
    {
        var eps = o.Epsilon ?? throw new InputException($"{Name} needs ε (--eps)");
        if (o.Restarts > 1 && !o.RandomStart)
            throw new InputException($"{Name} without a random start is deterministic: --restarts must be 1");
        int steps = o.Steps ?? 10;
        return o with { Epsilon = eps, StepSize = o.StepSize ?? 2.5f * eps / steps, Steps = steps };
    }

    protected override string Describe(AttackOptions o) => o.Json(new Dictionary<string, object?>
    {
        ["eps"] = o.Epsilon, ["alpha"] = o.StepSize, ["steps"] = o.Steps, ["random_start"] = o.RandomStart,
        ["restarts"] = o.Restarts, ["early_stop"] = o.EarlyStop, ["target"] = o.Target.ToString().ToLowerInvariant(),
    });

    internal override void Attack(AttackBatch b)
    {
        var o = b.Options;
        ProjectedGradient.Run(b, new(L2, o.Epsilon!.Value, o.StepSize!.Value, o.Steps!.Value, o.RandomStart, o.Restarts, o.EarlyStop));
    }
}
