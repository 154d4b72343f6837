using FastRobust.Attacks;
using FastRobust.Tests.RobustTraining;
using FastRobust.Util;
using Xunit;

namespace FastRobust.Tests.Attacks;

/// <summary>
/// --all-samples: every sample is perturbed, the clean-misclassified ones too, as torchattacks does. Against
/// PyTorch (robust_make_fixtures.py) on attack_mnist.json and the first 8 MNIST test images, the odd ones
/// relabelled so that they start misclassified.
/// </summary>
public class AllSamplesTests
{
    private static readonly RobustFixture R = RobustFixture.Instance;
    private static readonly AttackFixture A = AttackFixture.Instance;

    public static TheoryData<string, string, float> Attacks() => new()
    {
        { "fgsm", "fgsm", 0.1f },
        { "pgd", "pgd", 0.1f },
        { "pgd_l2", "pgd-l2", 1.5f },
    };

    [Theory]
    [MemberData(nameof(Attacks))]
    public void EverySampleMatchesTorch(string key, string attack, float eps)
    {
        var labels = R.Labels("allsamples.labels");
        int n = labels.Length, size = 28 * 28;
        var images = A.Data.Images[..(n * size)];
        using var model = A.LoadModel();
        using var r = AttackFixture.Run(model, attack, images, labels, new AttackOptions { Epsilon = eps, AllSamples = true });
        var ours = r.AdversarialToArray();
        var want = R.Values($"allsamples.{key}");
        int exact = 0;
        for (int i = 0; i < n; i++)
        {
            double mad = 0, moved = 0;
            for (int j = i * size; j < (i + 1) * size; j++)
            {
                mad += Math.Abs(ours[j] - want[j]);
                moved += Math.Abs(ours[j] - images[j]);
            }
            mad /= size;
            // ten signed steps can part ways on a pixel whose gradient is a rounding error away from zero: a sample
            // may drift by a few pixels' steps, never more
            Assert.True(mad < 2e-2, $"{attack}: sample {i} differs from PyTorch's by {mad:E3} on average");
            if (mad < 1e-4) exact++;
            Assert.True(moved > 0, $"{attack}: sample {i} was not perturbed");
            Assert.True(r.Attacked[i]);
        }
        Assert.True(exact >= n - 2, $"{attack}: only {exact} of {n} samples equal PyTorch's up to rounding");
        Assert.Contains(Enumerable.Range(0, n), i => r.CleanPrediction[i] != labels[i]);
        Assert.Contains("\"all_samples\":true", r.Options);
    }

    /// <summary>Without the flag the clean-misclassified samples come back unchanged: the flag is what moves them.</summary>
    [Fact]
    public void WithoutTheFlagMisclassifiedSamplesStayClean()
    {
        var labels = R.Labels("allsamples.labels");
        int n = labels.Length, size = 28 * 28;
        var images = A.Data.Images[..(n * size)];
        using var model = A.LoadModel();
        using var r = AttackFixture.Run(model, "pgd", images, labels, new AttackOptions { Epsilon = 0.1f, EarlyStop = false });
        var ours = r.AdversarialToArray();
        int wrong = 0;
        for (int i = 0; i < n; i++)
        {
            if (r.CleanPrediction[i] == labels[i]) continue;
            wrong++;
            Assert.False(r.Attacked[i]);
            Assert.True(ours.AsSpan(i * size, size).SequenceEqual(images.AsSpan(i * size, size)));
        }
        Assert.True(wrong >= 3);
    }

    [Theory]
    [InlineData("deepfool")]
    [InlineData("cw")]
    [InlineData("square")]
    public void AttacksWithoutTheRuleRejectIt(string attack)
    {
        var e = Assert.Throws<InputException>(() => AttackRegistry.Create(attack).Resolve(new AttackOptions { Epsilon = 0.1f, AllSamples = true }));
        Assert.Contains("--all-samples", e.Message);
    }
}
