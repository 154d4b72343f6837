using FastRobust.Attacks;
using Xunit;

namespace FastRobust.Tests.Attacks;

/// <summary>The run summary and the per-sample table, on a hand-made result whose figures are known.</summary>
public class AttackSummaryTests
{
    private static AttackResult Made()
    {
        var adv = Tensors.Tensor.Zeros([4, 1, 2, 2]).KeepAlive();
        var r = new AttackResult("pgd", ThreatNorm.Linf, 0.1f, "{\"eps\":0.1}", adv, [0, 1, 2, 3], null);
        // sample 0: attacked and fooled; 1: attacked, robust; 2: misclassified to start with; 3: attacked and fooled
        int[] clean = [0, 1, 5, 3], pred = [4, 1, 5, 9];
        bool[] attacked = [true, true, false, true], success = [true, false, true, true];
        int[] steps = [2, 10, 0, 5];
        double[] l2 = [0.5, 0.9, 0, 1.5], linf = [0.1, 0.1, 0, 0.1];
        for (int i = 0; i < 4; i++)
        {
            r.CleanPrediction[i] = clean[i];
            r.Prediction[i] = pred[i];
            r.Attacked[i] = attacked[i];
            r.Success[i] = success[i];
            r.Steps[i] = steps[i];
            r.Queries[i] = steps[i] + 1;
            r.L2[i] = l2[i];
            r.Linf[i] = linf[i];
        }
        return r;
    }

    [Fact]
    public void FiguresFollowTheirDefinitions()
    {
        using var r = Made();
        var s = r.Summarize();
        Assert.Equal(0.75, s.CleanAccuracy);
        Assert.Equal(0.25, s.RobustAccuracy);
        Assert.Equal(3, s.Attacked);
        Assert.Equal(2, s.Successes);
        Assert.Equal(2.0 / 3, s.SuccessRate, 12);
        Assert.Equal(1.0, s.L2.Mean, 12);    // over the two fooled samples: 0.5 and 1.5
        Assert.Equal(1.0, s.L2.Median, 12);
        Assert.Equal(3.5, s.Steps.Mean, 12);
        Assert.Equal(new[] { 1, 10, 0, 4 }, Enumerable.Range(0, 4).Select(r.SurvivedSteps));
        Assert.Contains("robust accuracy   25.00 %", s.Format());
        var row = s.ToTable("m1");
        Assert.Equal(1, row.Rows);
        Assert.Equal(0.25, ((double?[])row.Column("robust_accuracy"))[0]);
        Assert.Equal("m1", ((string?[])row.Column("model"))[0]);
    }

    [Fact]
    public void SampleTableRoundTripsThroughParquet()
    {
        using var r = Made();
        string path = Path.Combine(Path.GetTempPath(), $"fr-samples-{Guid.NewGuid():N}.parquet");
        try
        {
            AttackSummary.SampleTable(r, "m1").Write(path);
            var t = FastRobust.Tables.Table.Read(path);
            Assert.Equal(4, t.Rows);
            Assert.Equal(new long[] { -1, -1, -1, -1 }, (long[])t.Column("target"));
            Assert.Equal(new[] { true, true, false, true }, (bool[])t.Column("clean_correct"));
            Assert.Equal(new long[] { 1, 10, 0, 4 }, (long[])t.Column("survived_steps"));
            Assert.Equal(new double?[] { 0.5, 0.9, 0, 1.5 }, (double?[])t.Column("l2"));
        }
        finally { File.Delete(path); }
    }

    [Fact]
    public void MedianOfAnEvenCountIsTheMiddlePairsMean() =>
        Assert.Equal(2.5, MeanMedian.Of([4, 1, 3, 2]).Median);
}
