namespace FastRobust.Measures;

/// <summary>Where one bisection step landed relative to the target deviation.</summary>
public enum StepOutcome
{
    /// <summary>The accuracy moved less than target − tolerance: perturb more (lower ← σ).</summary>
    Below,

    /// <summary>|deviation − target| &lt; tolerance: the search ends here.</summary>
    Within,

    /// <summary>The accuracy moved by target + tolerance or more: perturb less (upper ← σ).</summary>
    Above,
}

/// <summary>One bisection step: the scale tried, the accuracy estimate, images evaluated per sample, outcome.</summary>
public sealed record SearchStep(double Scale, double Accuracy, int Images, StepOutcome Outcome);

/// <summary>
/// A finished search: the scale it returns (the last one tried, as the reference code does), its steps, and the
/// upper end of the bracket it ended with (larger than the one given when the bracket was widened).
/// </summary>
public sealed record SearchResult(double Value, IReadOnlyList<SearchStep> Steps, double Upper = double.NaN)
{
    /// <summary>
    /// How the search ended: converged (a step within tolerance of the target), at-lower-bound (every step perturbed
    /// too much: the value is the bracket's floor at this depth), at-upper-bound (every step perturbed too little: the
    /// value is the bracket's ceiling), depth-exhausted (steps on both sides, none within tolerance).
    /// </summary>
    public string Status => Steps.Count > 0 && Steps[^1].Outcome == StepOutcome.Within ? SearchStatus.Converged
        : Steps.All(s => s.Outcome == StepOutcome.Above) ? SearchStatus.AtLowerBound
        : Steps.All(s => s.Outcome == StepOutcome.Below) ? SearchStatus.AtUpperBound
        : SearchStatus.DepthExhausted;

    public string Trace(string name) =>
        $"{name}: " + string.Join(" → ", Steps.Select(s => $"{s.Scale:G4} (acc {s.Accuracy:F4}, {s.Images} img, {s.Outcome.ToString().ToLowerInvariant()})")) + $" ⇒ {Value:G6}";
}

/// <summary>The values of the measures table's status column for a search's measures.</summary>
public static class SearchStatus
{
    public const string Converged = "converged", AtLowerBound = "at-lower-bound", AtUpperBound = "at-upper-bound", DepthExhausted = "depth-exhausted";
}

/// <summary>
/// The outcome rule of one step, shared by every search. With the full set seen it is the reference rule
/// (deviation = |accuracy − reference|; within when |deviation − target| &lt; tolerance, above when larger, else
/// below). Part-way through, <see cref="Decide"/> answers only when every full-set accuracy still possible (an
/// interval: a z·standard-error band around the running mean with finite-population correction, intersected with
/// the bounds that hold whatever the remaining images do) gives the same outcome.
/// </summary>
public static class StepRule
{
    public static StepOutcome Outcome(double accuracy, double reference, double target, double tolerance)
    {
        double g = Math.Abs(accuracy - reference) - target;
        return Math.Abs(g) < tolerance ? StepOutcome.Within : g > 0 ? StepOutcome.Above : StepOutcome.Below;
    }

    /// <param name="seen">images evaluated so far (each by every sample)</param>
    /// <param name="total">images in the full set</param>
    /// <param name="sumY">Σ over seen images of the fraction of samples correct on it</param>
    /// <param name="sumY2">Σ of its square</param>
    /// <param name="z">half-width of the band in standard errors; 0 or less: only the exact bounds</param>
    public static StepOutcome? Decide(int seen, int total, double sumY, double sumY2, double reference, double target, double tolerance, double z)
    {
        if (seen >= total) return Outcome(sumY / Math.Max(1, total), reference, target, tolerance);
        double lo = sumY / total, hi = (sumY + (total - seen)) / total;
        if (z > 0 && seen > 1)
        {
            double mean = sumY / seen;
            double variance = Math.Max(0, (sumY2 - seen * mean * mean) / (seen - 1));
            // a floor on the variance (a pseudo-count of 10 images at variance 1/4) so that a start with no errors
            // at all does not make the interval collapse
            variance = (variance * seen + 0.25 * 10) / (seen + 10);
            double se = Math.Sqrt(variance / seen * (1 - (double)seen / total));
            lo = Math.Max(lo, mean - z * se);
            hi = Math.Min(hi, mean + z * se);
        }
        var a = Outcome(lo, reference, target, tolerance);
        var b = Outcome(hi, reference, target, tolerance);
        if (a != b) return null;
        // |p − reference| is not monotone in p: an interval around the reference reaches deviation 0 inside
        if (lo < reference && hi > reference && Outcome(reference, reference, target, tolerance) != a) return null;
        return a;
    }
}
