using FastRobust.Util;

namespace FastRobust.Nn.Optim;

/// <summary>
/// Learning rate as a function of the optimizer step (0-based), with torch.optim.lr_scheduler's closed forms:
/// constant; step (×γ every stepSize epochs, StepLR); cosine (CosineAnnealingLR to lrMin over all steps);
/// one-cycle (OneCycleLR defaults: 30% cosine warm-up from max/25 to max, cosine down to max/(25·10⁴);
/// momentum is not cycled).
/// </summary>
public sealed class LrSchedule
{
    private readonly Func<long, float> _lr;

    private LrSchedule(string name, Func<long, float> lr)
    {
        Name = name;
        _lr = lr;
    }

    public string Name { get; }

    public float At(long step) => _lr(step);

    public static LrSchedule Constant(float lr) => new("constant", _ => lr);

    public static LrSchedule Step(float lr, long stepsPerEpoch, int epochStep, float gamma) =>
        new("step", s => lr * MathF.Pow(gamma, (int)(s / stepsPerEpoch / Math.Max(1, epochStep))));

    public static LrSchedule Cosine(float lr, long totalSteps, float lrMin = 0f) =>
        new("cosine", s => lrMin + (lr - lrMin) * (1f + MathF.Cos(MathF.PI * Math.Min(s, totalSteps) / totalSteps)) / 2f);

    public static LrSchedule OneCycle(float maxLr, long totalSteps, float pctStart = 0.3f, float divFactor = 25f, float finalDivFactor = 1e4f)
    {
        float initial = maxLr / divFactor, final = initial / finalDivFactor;
        float warmEnd = pctStart * totalSteps - 1, end = totalSteps - 1;
        static float Cos(float from, float to, float pct) => to + (from - to) / 2f * (MathF.Cos(MathF.PI * pct) + 1f);
        return new("one-cycle", s =>
        {
            if (s <= warmEnd) return Cos(initial, maxLr, warmEnd <= 0 ? 1f : s / warmEnd);
            return Cos(maxLr, final, Math.Min(1f, (s - warmEnd) / (end - warmEnd)));
        });
    }

    public static LrSchedule Parse(string name, float lr, long stepsPerEpoch, int epochs) => name switch
    {
        "constant" => Constant(lr),
        "step" => Step(lr, stepsPerEpoch, Math.Max(1, epochs / 3), 0.1f),
        "cosine" => Cosine(lr, stepsPerEpoch * epochs),
        "one-cycle" or "onecycle" => OneCycle(lr, stepsPerEpoch * epochs),
        _ => throw new InputException($"unknown schedule '{name}' (expected constant, step, cosine or one-cycle)"),
    };
}
