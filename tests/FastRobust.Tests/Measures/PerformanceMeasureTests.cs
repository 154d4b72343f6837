using FastRobust.Measures;
using Xunit;

namespace FastRobust.Tests.Measures;

/// <summary>Hand-checked cases of the performance measures (the PyTorch fixture covers the general case).</summary>
public sealed class PerformanceMeasureTests
{
    [Fact]
    public void Perfectly_confident_correct_predictions()
    {
        // logits so peaked that softmax is one-hot in float64
        float[] logits = [1000, 0, 0, /**/ 0, 1000, 0];
        var r = new MeasureResults();
        PerformanceMeasures.Compute(r, logits, [0, 1], 3, new MeasureOptions(), "{}");
        Assert.Equal(1, r["accuracy"]);
        Assert.Equal(0, r["log_loss"], 12);
        Assert.Equal(0, r["brier"], 12);
        Assert.Equal(0, r["ece"], 12);
        Assert.Equal(0, r["mean_entropy"], 12);
        Assert.Equal(1000, r["margin_mean"]);
        Assert.Equal(0, r["recall.class2"]); // a class never seen: zero, as scikit-learn's zero_division=0
        Assert.Equal((1 + 1 + 0) / 3.0, r["macro_f1"], 12);
    }

    [Fact]
    public void Uniform_predictions_have_maximal_entropy_and_known_brier()
    {
        float[] logits = [0, 0, 0, 0];
        var r = new MeasureResults();
        PerformanceMeasures.Compute(r, logits, [1], 4, new MeasureOptions(), "{}");
        Assert.Equal(Math.Log(4), r["mean_entropy"], 12);
        Assert.Equal(Math.Log(4), r["log_loss"], 12);
        Assert.Equal(0.75 * 0.75 + 3 * 0.0625, r["brier"], 12);
        Assert.Equal(0, r["margin_mean"]);
        // argmax ties go to class 0: wrong, confidence 1/4 → ECE = |0 − 0.25|
        Assert.Equal(0.25, r["ece"], 12);
    }

    [Fact]
    public void Margin_percentile_is_torch_kthvalue_of_n_over_10()
    {
        var values = Enumerable.Range(1, 25).Select(i => (double)(26 - i)).ToArray(); // 25..1
        Assert.Equal(2, PerformanceMeasures.LowerPercentile(values, 10)); // k = 25 // 10 = 2
        Assert.Equal(1, PerformanceMeasures.LowerPercentile([5.0, 1.0, 3.0], 10)); // k at least 1
    }
}
