using FastRobust.Study;
using Xunit;

namespace FastRobust.Tests.StudyTests;

/// <summary>The report's statistics against scipy.stats (values computed with Debian's python3-scipy, quoted below).</summary>
public class RankCorrelationTests
{
    // scipy.stats.kendalltau / spearmanr / pearsonr of these pairs (the first with ties in both)
    private static readonly double[] X1 = [1, 2, 2, 3, 5, 4, 7, 7, 9], Y1 = [2, 1, 4, 4, 6, 5, 8, 9, 7];
    private static readonly double[] X2 = [0.3, 0.1, 0.7, 0.2, 0.9, 0.5], Y2 = [3, 1, 2, 5, 4, 6];

    [Fact]
    public void MatchScipy()
    {
        Assert.Equal(0.7826908981308053, RankCorrelation.KendallTauB(X1, Y1), 12);
        Assert.Equal(0.9071810712769415, RankCorrelation.Spearman(X1, Y1), 12);
        Assert.Equal(0.8808122718846412, RankCorrelation.Pearson(X1, Y1), 12);
        Assert.Equal(0.2, RankCorrelation.KendallTauB(X2, Y2), 12);
        Assert.Equal(0.2571428571428572, RankCorrelation.Spearman(X2, Y2), 12);
        Assert.Equal(0.1907641932953064, RankCorrelation.Pearson(X2, Y2), 12);
    }

    [Fact]
    public void DegenerateInputsAreUndefined()
    {
        Assert.True(double.IsNaN(RankCorrelation.KendallTauB([1.0], [2.0])));
        Assert.True(double.IsNaN(RankCorrelation.Pearson([1.0, 1, 1], [1.0, 2, 3])));
    }

    [Fact]
    public void BootstrapIntervalHoldsTheEstimateAndIsReproducible()
    {
        var a = RankCorrelation.Bootstrap(X1, Y1, RankCorrelation.KendallTauB, 500, seed: 7);
        var b = RankCorrelation.Bootstrap(X1, Y1, RankCorrelation.KendallTauB, 500, seed: 7);
        Assert.Equal(a, b);
        Assert.InRange(0.7826908981308053, a.Lo, a.Hi);
        Assert.True(a.Hi - a.Lo > 0.05, "a bootstrap interval on nine points is not a point");
    }

    [Fact]
    public void GranulatedKendallAveragesWithinGroupsThenAxes()
    {
        // two axes (depth, lr); the notion follows depth perfectly inside each lr group, and lr inversely in one depth group only
        var configs = new List<IReadOnlyDictionary<string, string>>
        {
            new Dictionary<string, string> { ["depth"] = "1", ["lr"] = "a" },
            new Dictionary<string, string> { ["depth"] = "2", ["lr"] = "a" },
            new Dictionary<string, string> { ["depth"] = "1", ["lr"] = "b" },
            new Dictionary<string, string> { ["depth"] = "2", ["lr"] = "b" },
        };
        double[] measure = [1, 2, 3, 4];
        double[] notion = [10, 20, 5, 30];
        var (psi, perAxis) = RankCorrelation.GranulatedKendall(configs, measure, notion, ["depth", "lr"]);
        // depth groups {0,1} (lr a) and {2,3} (lr b): τ = 1 and 1 → ψ_depth = 1
        Assert.Equal(1.0, perAxis["depth"], 12);
        // lr groups {0,2} (depth 1): measure up, notion down → −1; {1,3} (depth 2): +1 → ψ_lr = 0
        Assert.Equal(0.0, perAxis["lr"], 12);
        Assert.Equal(0.5, psi, 12);
    }
}
