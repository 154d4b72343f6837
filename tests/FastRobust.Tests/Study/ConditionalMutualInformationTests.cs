using FastRobust.Study;
using Xunit;

namespace FastRobust.Tests.StudyTests;

/// <summary>The CMI test of Jiang et al. 2020 §5 on constructed zoos whose answer is known.</summary>
public sealed class ConditionalMutualInformationTests
{
    /// <summary>A 3 × 2 × 2 grid of models over hyperparameters h, k and o.</summary>
    private static List<IReadOnlyDictionary<string, string>> Grid() =>
        (from h in new[] { "1", "2", "3" } from k in new[] { "a", "b" } from o in new[] { "x", "y" }
         select (IReadOnlyDictionary<string, string>)new Dictionary<string, string> { ["h"] = h, ["k"] = k, ["o"] = o }).ToList();

    [Fact]
    public void AMeasureThatOnlyFollowsASharedHyperparameterScoresZero()
    {
        var g = Grid();
        // the notion and the measure both grow with h and nothing else: they agree on every pair (τ = 1), yet once h
        // is known the measure tells nothing more
        var notion = g.Select(c => double.Parse(c["h"])).ToList();
        var measure = g.Select(c => 10 * double.Parse(c["h"])).ToList();
        Assert.Equal(1, RankCorrelation.KendallTauB(measure, notion), 12);
        var (value, set) = new ConditionalMutualInformation(g, ["h", "k", "o"]).Score(measure, notion);
        Assert.Equal(0, value, 12);
        Assert.Contains("h", set);
    }

    [Fact]
    public void AMeasureThatOrdersModelsForItsOwnReasonsScoresOne()
    {
        var g = Grid();
        // the notion follows something no hyperparameter holds (a per-model draw); the measure orders the models the
        // same way: conditioning on any hyperparameters leaves the agreement whole
        var notion = g.Select((_, i) => (double)((i * 7) % 12)).ToList();
        var (value, _) = new ConditionalMutualInformation(g, ["h", "k", "o"]).Score(notion, notion);
        Assert.Equal(1, value, 12);
    }

    [Fact]
    public void WithoutConditioningTheScoreIsTheNormalisedMutualInformation()
    {
        var g = Grid();
        var notion = g.Select((_, i) => (double)((i * 5) % 12)).ToList();
        var measure = g.Select((_, i) => (double)((i * 7) % 12)).ToList();
        var (none, _) = new ConditionalMutualInformation(g, []).Score(measure, notion);
        // by hand: the plug-in I(V_μ; V_g) / H(V_g) over all 66 pairs
        int n = g.Count;
        var joint = new double[3, 3];
        int pairs = 0;
        for (int i = 0; i < n; i++)
        for (int j = i + 1; j < n; j++)
        {
            joint[Math.Sign(measure[i] - measure[j]) + 1, Math.Sign(notion[i] - notion[j]) + 1]++;
            pairs++;
        }
        double info = 0, h = 0;
        for (int a = 0; a < 3; a++)
        for (int b = 0; b < 3; b++)
        {
            double pab = joint[a, b] / pairs;
            double pa = Enumerable.Range(0, 3).Sum(x => joint[a, x]) / pairs, pb = Enumerable.Range(0, 3).Sum(x => joint[x, b]) / pairs;
            if (pab > 0) info += pab * Math.Log(pab / (pa * pb));
        }
        for (int b = 0; b < 3; b++)
        {
            double pb = Enumerable.Range(0, 3).Sum(x => joint[x, b]) / pairs;
            if (pb > 0) h -= pb * Math.Log(pb);
        }
        Assert.True(h > 0);
        Assert.Equal(info / h, none, 12);
        Assert.True(none < 1, $"{none}");
    }
}
