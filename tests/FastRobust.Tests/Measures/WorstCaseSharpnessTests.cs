using FastRobust.Measures;
using Xunit;

namespace FastRobust.Tests.Measures;

/// <summary>Properties of the worst-case (adversarial) weight sharpness search.</summary>
public sealed class WorstCaseSharpnessTests
{
    private static MeasureOptions Options(int ascentSteps, AscentRule rule = AscentRule.Sign) => new()
    {
        WorstCaseRestarts = 2, AscentSteps = ascentSteps, AscentBatch = 32, AlphaSearchDepth = 7, WorstCaseImages = 200,
        SearchChunk = 150, AscentRule = rule, Seed = 4,
    };

    [Fact]
    public void Climbing_the_loss_finds_a_smaller_box_than_random_points_in_it()
    {
        using var model = MeasureTestData.TinyBatchNormNet(5);
        var set = MeasureTestData.SelfLabelled(model, 200, 2);
        var data = SharpnessData.ForSet(model, set, 128);
        foreach (bool magnitude in new[] { false, true })
        {
            using var ens = new PerturbedEnsemble(model, 2);
            var random = WorstCaseSharpness.Run(ens, data, Options(0), magnitude);
            var climbed = WorstCaseSharpness.Run(ens, data, Options(10), magnitude);
            Assert.True(climbed.Value < random.Value, $"magnitude {magnitude}: α′ {climbed.Value} after ascent vs {random.Value} at random points");
            // the last step of a search that ends within the tolerance reached the target deviation
            var last = climbed.Steps[^1];
            if (last.Outcome == StepOutcome.Within) Assert.InRange(1 - last.Accuracy, 0.09, 0.11);
        }
    }

    [Fact]
    public void Perturbed_members_stay_inside_the_magnitude_box()
    {
        using var model = MeasureTestData.TinyBatchNormNet(6);
        var set = MeasureTestData.SelfLabelled(model, 100, 3);
        var data = SharpnessData.ForSet(model, set, 128);
        using var ens = new PerturbedEnsemble(model, 2);
        var o = Options(5) with { AlphaSearchDepth = 1, AlphaLower = 0.1, AlphaUpper = 0.1 + 1e-9 };
        WorstCaseSharpness.Run(ens, data, o, magnitude: true);
        for (int k = 0; k < ens.Trainable.Length; k++)
        {
            var w = ens.BaseParameter(k).Value.ToArray();
            var members = ens.MemberParameter(k).Value.ToArray();
            for (int i = 0; i < members.Length; i++)
            {
                float wi = w[i % w.Length];
                Assert.True(Math.Abs(members[i] - wi) <= 0.1 * Math.Abs(wi) * (1 + 1e-5) + 1e-7, $"param {k}[{i}]: {members[i]} vs {wi}");
            }
        }
    }
}
