namespace FastRobust.Measures;

/// <summary>
/// The bisection's answer to a step that perturbed too little. Plain bisection moves the lower end up to the step's
/// scale. With <see cref="MeasureOptions.WidenBracket"/>, while no step has yet perturbed too much, the upper end
/// doubles as well: σ and α′ have no natural ceiling, so a flat model is followed past the bracket given instead of
/// ending pinned at it. (The floor needs no widening: halving towards 0 already shrinks it geometrically.)
/// </summary>
public static class Bracket
{
    /// <summary>The most doublings of the upper end in one search (a ceiling 256 times the one given).</summary>
    public const int MaxWidenings = 8;

    public static (double Lower, double Upper) Widen(IReadOnlyList<SearchStep> steps, double scale, double upper, MeasureOptions o)
    {
        bool allBelow = steps.All(s => s.Outcome == StepOutcome.Below);
        int widened = steps.Count - 1;
        if (o.WidenBracket && allBelow && widened < MaxWidenings) return (scale, upper * 2);
        return (scale, upper);
    }
}
