using FastRobust.Shifts.Evaluation;
using FastRobust.Shifts.Generation;
using FastRobust.Tables;
using Xunit;

namespace FastRobust.Tests.Shifts;

/// <summary>mCA, CE, mCE and relative mCE on a small hand-computed example.</summary>
public class CorruptionScoresTests
{
    private static List<ShiftEvaluation> Rows(long clean, long[] noise, long[] fog, long[] speckle) =>
    [
        new("clean", "", 0, 100, clean, 0.1),
        .. noise.Select((c, i) => new ShiftEvaluation("generated", "gaussian_noise", i + 1, 100, c, 1)),
        .. fog.Select((c, i) => new ShiftEvaluation("generated", "fog", i + 1, 100, c, 1)),
        .. speckle.Select((c, i) => new ShiftEvaluation("generated", "speckle_noise", i + 1, 100, c, 1)),
        new("cifar10.1", "", 0, 100, 80, 0.5),
    ];

    [Fact]
    public void ScoresFollowHendrycksAndDietterich()
    {
        var model = Rows(90, [80, 70], [60, 50], [10, 10]);
        var baseline = Rows(80, [60, 40], [60, 40], [50, 50]);
        var s = CorruptionScores.Compute(model, baseline);
        double V(string metric, string corruption = "") => s.Single(x => x.Metric == metric && x.Corruption == corruption).Value!.Value;
        Assert.Equal(0.9, V("clean_accuracy"), 12);
        Assert.Equal(0.8, V("accuracy"), 12);
        Assert.Equal("cifar10.1", s.Single(x => x.Metric == "accuracy").Shift);
        Assert.Equal(0.75, V("mean_accuracy", "gaussian_noise"), 12);
        // CE = Σ errors / Σ baseline errors: noise (0.2 + 0.3)/(0.4 + 0.6) = 0.5, fog (0.4 + 0.5)/(0.4 + 0.6) = 0.9
        Assert.Equal(0.5, V("ce", "gaussian_noise"), 12);
        Assert.Equal(0.9, V("ce", "fog"), 12);
        // relative: noise (0.1 + 0.2)/(0.2 + 0.4) = 0.5, fog (0.3 + 0.4)/(0.2 + 0.4) = 7/6
        Assert.Equal(0.5, V("relative_ce", "gaussian_noise"), 12);
        Assert.Equal(7 / 6.0, V("relative_ce", "fog"), 12);
        // summaries over the benchmark corruptions only (speckle is held out), mca_all over all three
        Assert.Equal(0.7, V("mce"), 12);
        Assert.Equal((0.5 + 7 / 6.0) / 2, V("relative_mce"), 12);
        Assert.Equal((0.8 + 0.7 + 0.6 + 0.5) / 4, V("mca"), 12);
        Assert.Equal((0.8 + 0.7 + 0.6 + 0.5 + 0.1 + 0.1) / 6, V("mca_all"), 12);
        Assert.Equal(2, s.Single(x => x.Metric == "mce").Count);
    }

    [Fact]
    public void WithoutABaselineOnlyAccuraciesAndABaselineNoWorseThanCleanGivesNull()
    {
        var model = Rows(90, [80, 70], [60, 50], [10, 10]);
        Assert.DoesNotContain(CorruptionScores.Compute(model), x => x.Metric.Contains("ce"));
        var flat = Rows(60, [60, 60], [60, 60], [60, 60]);
        var s = CorruptionScores.Compute(model, flat);
        Assert.Null(s.Single(x => x.Metric == "relative_ce" && x.Corruption == "fog").Value);
        Assert.Null(s.Single(x => x.Metric == "relative_mce").Value);
    }

    [Fact]
    public void TablesRoundTripThroughParquet()
    {
        var dir = Directory.CreateTempSubdirectory("fr-scores-").FullName;
        try
        {
            var model = Rows(90, [80, 70], [60, 50], [10, 10]);
            var scores = CorruptionScores.Compute(model, Rows(80, [60, 40], [60, 40], [50, 50]));
            CorruptionScores.ToTable("m", "alexnet", scores).Write(Path.Combine(dir, "s.parquet"));
            ShiftEvaluator.ToTable("m", model).Write(Path.Combine(dir, "e.parquet"));
            var t = Table.Read(Path.Combine(dir, "s.parquet"));
            Assert.Equal(scores.Count, t.Rows);
            Assert.Equal(["model", "baseline", "shift", "metric", "corruption", "value", "count"], t.ColumnNames);
            var e = Table.Read(Path.Combine(dir, "e.parquet"));
            Assert.Equal(model.Count, e.Rows);
            Assert.Equal(0.8, ((double?[])e.Column("accuracy"))[1]);
            Assert.Null(((string?[])e.Column("corruption"))[0]);
        }
        finally { Directory.Delete(dir, true); }
    }
}
