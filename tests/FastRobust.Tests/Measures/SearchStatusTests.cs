using FastRobust.Measures;
using FastRobust.Tables;
using Xunit;

namespace FastRobust.Tests.Measures;

/// <summary>
/// A sharpness search forced against either end of its bracket says so in the measures table's status column (and in
/// a warning), and a bracket allowed to widen follows a flat model past its given upper end.
/// </summary>
public sealed class SearchStatusTests
{
    private static MeasureOptions Sigma(double lower, double upper, int depth, bool widen = false) => new()
    {
        Performance = false, Norms = false, WorstCaseSharpness = false, WorstCaseMagnitudeSharpness = false, PacBayesMagnitudeSigma = false,
        MonteCarloSamples = 4, SigmaSearchDepth = depth, SearchChunk = 200, SigmaEvaluation = SearchEvaluation.Full, Seed = 3,
        SigmaLower = lower, SigmaUpper = upper, WidenBracket = widen,
    };

    private static (string? Status, double Value, MeasureResults Results) Run(MeasureOptions o)
    {
        using var model = MeasureTestData.TinyBatchNormNet(5);
        var set = MeasureTestData.SelfLabelled(model, 200, 11);
        var r = MeasureSuite.Compute(model, set, o);
        var t = r.ToTable("m");
        var names = t.Strings("measure");
        int row = Array.IndexOf(names, "pacbayes_sigma");
        return (t.Strings("status")[row], r["pacbayes_sigma"], r);
    }

    [Fact]
    public void ABracketFarTooSmallEndsAtItsUpperEnd()
    {
        // noise of std 1e-6 on the weights changes no prediction: every step perturbs too little
        var (status, value, r) = Run(Sigma(0, 1e-6, 3));
        Assert.Equal(SearchStatus.AtUpperBound, status);
        Assert.True(value < 1e-6);
        Assert.Contains(r.Warnings, w => w.Contains("at-upper-bound"));
        // the σ-derived bounds carry the same status; measures that come from no search carry none
        var t = r.ToTable();
        var names = t.Strings("measure");
        var status2 = t.Strings("status");
        Assert.Equal(SearchStatus.AtUpperBound, status2[Array.IndexOf(names, "pacbayes_flatness")]);
    }

    [Fact]
    public void ABracketFarTooLargeEndsAtItsLowerEnd()
    {
        // σ ≥ 25 destroys the network at every step of a depth-2 search: it ends at its floor
        var (status, value, _) = Run(Sigma(0, 100, 2));
        Assert.Equal(SearchStatus.AtLowerBound, status);
        Assert.Equal(25, value);
    }

    [Fact]
    public void AWideningBracketLeavesTheTooSmallEndBehind()
    {
        var (status, value, r) = Run(Sigma(0, 1e-3, 14, widen: true));
        Assert.NotEqual(SearchStatus.AtUpperBound, status);
        Assert.True(value > 1e-3, $"σ {value} stayed inside the given bracket");
        var options = r.ToTable().Strings("options")[Array.IndexOf(r.ToTable().Strings("measure"), "pacbayes_sigma")]!;
        Assert.Contains("widened_upper", options);
    }

    [Fact]
    public void StatusFollowsTheSteps()
    {
        SearchStep S(StepOutcome o) => new(1, 0.5, 10, o);
        Assert.Equal(SearchStatus.Converged, new SearchResult(1, [S(StepOutcome.Above), S(StepOutcome.Within)]).Status);
        Assert.Equal(SearchStatus.AtLowerBound, new SearchResult(1, [S(StepOutcome.Above), S(StepOutcome.Above)]).Status);
        Assert.Equal(SearchStatus.AtUpperBound, new SearchResult(1, [S(StepOutcome.Below), S(StepOutcome.Below)]).Status);
        Assert.Equal(SearchStatus.DepthExhausted, new SearchResult(1, [S(StepOutcome.Below), S(StepOutcome.Above)]).Status);
    }
}
