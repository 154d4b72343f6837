using FastRobust.Data;
using FastRobust.Measures;
using FastRobust.Nn;
using FastRobust.Random;
using FastRobust.Tensors;
using FastRobust.Training;
using Xunit;

namespace FastRobust.Tests.Measures;

/// <summary>
/// The batched σ search (S perturbed members in one ensemble pass, chunked evaluation that may stop a step early)
/// against a reference written here from the definition alone: one single model per sample, its weights rebuilt on
/// the host from the same Philox numbers, every image evaluated at every step with ordinary inference, and a plain
/// float64 bisection with the paper's outcome rule. Nothing of the search's own code is used.
/// </summary>
public sealed class SigmaSearchTests(Xunit.Abstractions.ITestOutputHelper output)
{
    /// <summary>A reference step: σ, the fraction of the S samples right on each image, and the full-set outcome.</summary>
    private sealed record ReferenceStep(double Sigma, double[] Correct, StepOutcome Outcome);

    /// <summary>
    /// The noise std of one weight as docs/measures.md defines it: σ (paper) or σ² (port); magnitude-aware
    /// √(σ²·w² + ε²) (paper) or σ²·w² + ε² (port), each operation rounded to float32 as on the device.
    /// </summary>
    private static float Std(double sigma, float w, bool magnitude, double epsilon, SigmaConvention convention)
    {
        if (!magnitude) return (float)(convention == SigmaConvention.Paper ? sigma : sigma * sigma);
        float v = w * w * (float)(sigma * sigma) + (float)(epsilon * epsilon);
        return convention == SigmaConvention.Paper ? MathF.Sqrt(v) : v;
    }

    /// <summary>
    /// The documented Philox stream of parameter k's noise at step t: "SM" (magnitude-aware) or "SP" (plain) in the
    /// top 16 bits, the step from bit 20, the parameter index below.
    /// </summary>
    private static ulong Stream(bool magnitude, int step, int param) =>
        ((magnitude ? 0x534DUL : 0x5350UL) << 48) | ((ulong)(uint)step << 20) | (uint)param;

    /// <summary>Jiang et al.'s rule on the full set: deviation |accuracy − reference| within target ± tolerance.</summary>
    private static StepOutcome Outcome(double accuracy, double reference, double target, double tolerance)
    {
        double g = Math.Abs(accuracy - reference) - target;
        return Math.Abs(g) < tolerance ? StepOutcome.Within : g > 0 ? StepOutcome.Above : StepOutcome.Below;
    }

    private static List<ReferenceStep> ReferenceSearch(Model model, SharpnessData data, MeasureOptions o, bool magnitude)
    {
        var trainable = model.Parameters.Where(p => p.Trainable).ToList();
        var weights = trainable.Select(p => p.Value.ToArray()).ToList();
        var set = data.Set.Subset(Enumerable.Range(0, data.N).ToArray());
        double lower = o.SigmaLower, upper = o.SigmaUpper;
        var steps = new List<ReferenceStep>();
        for (int t = 0; t < o.SigmaSearchDepth; t++)
        {
            double sigma = (lower + upper) / 2;
            var counts = new int[data.N];
            for (int s = 0; s < o.MonteCarloSamples; s++)
            {
                using var copy = model.Clone();
                var copyTrainable = copy.Parameters.Where(p => p.Trainable).ToList();
                for (int k = 0; k < trainable.Count; k++)
                {
                    var w = weights[k];
                    var v = new float[w.Length];
                    for (int j = 0; j < w.Length; j++)
                        v[j] = Philox.Normal(o.Seed, Stream(magnitude, t, k), 0, (long)s * w.Length + j) * Std(sigma, w[j], magnitude, o.MagnitudeEpsilon, o.SigmaConvention) + w[j];
                    Device.Cpu.Backend.Upload(v, copyTrainable[k].Value.Buffer);
                }
                var logits = BatchedInference.Logits(copy, set.Images, data.N, 64);
                int classes = copy.Spec.Classes;
                for (int i = 0; i < data.N; i++)
                {
                    int best = 0;
                    for (int j = 1; j < classes; j++) if (logits[i * classes + j] > logits[i * classes + best]) best = j;
                    if (best == set.Labels[i]) counts[i]++;
                }
            }
            var correct = counts.Select(c => (double)c / o.MonteCarloSamples).ToArray();
            var outcome = Outcome(correct.Sum() / data.N, data.Accuracy, o.TargetDeviation, o.DeviationTolerance);
            steps.Add(new ReferenceStep(sigma, correct, outcome));
            if (outcome == StepOutcome.Within) break;
            if (outcome == StepOutcome.Above) upper = sigma; else lower = sigma;
        }
        return steps;
    }

    public static TheoryData<bool, SigmaConvention, SearchEvaluation> Cases() => new()
    {
        { false, SigmaConvention.Paper, SearchEvaluation.Full },
        { true, SigmaConvention.Paper, SearchEvaluation.Adaptive },
        { false, SigmaConvention.Port, SearchEvaluation.Adaptive },
        { true, SigmaConvention.Port, SearchEvaluation.Full },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Batched_search_lands_on_the_reference_loops_sigma(bool magnitude, SigmaConvention convention, SearchEvaluation evaluation)
    {
        using var model = MeasureTestData.TinyBatchNormNet(11);
        var set = MeasureTestData.SelfLabelled(model, 400, 5);
        var o = new MeasureOptions
        {
            MonteCarloSamples = 4, SigmaSearchDepth = 7, SearchChunk = 100, SigmaConvention = convention, SigmaEvaluation = evaluation,
            Seed = 42,
        };
        var data = SharpnessData.Create(model, set, 400, o.Seed, 128);
        Assert.Equal(1.0, data.Accuracy);
        using var ens = new PerturbedEnsemble(model, o.MonteCarloSamples);
        var batched = PacBayesSigmaSearch.Run(ens, data, o, magnitude);
        var reference = ReferenceSearch(model, data, o, magnitude);
        string trace = batched.Trace("batched") + "\nreference: " +
                       string.Join(" → ", reference.Select(r => $"{r.Sigma:G4} (acc {r.Correct.Sum() / data.N:F4}, {r.Outcome.ToString().ToLowerInvariant()})"));
        output.WriteLine(trace);
        Assert.True(reference.Count == batched.Steps.Count, trace);
        for (int t = 0; t < reference.Count; t++)
        {
            var (b, r) = (batched.Steps[t], reference[t]);
            Assert.True(r.Sigma == b.Scale && r.Outcome == b.Outcome, $"step {t}:\n{trace}");
            // a step may stop before the full set once its outcome is settled: its accuracy is the mean over the images it saw
            Assert.InRange(b.Images, 1, data.N);
            Assert.Equal(r.Correct.Take(b.Images).Sum() / b.Images, b.Accuracy, 12);
        }
        Assert.Equal(reference[^1].Sigma, batched.Value);
        Assert.True(batched.Steps.Count >= 2);
    }

    [Fact]
    public void Sequential_member_evaluation_gives_the_same_search()
    {
        using var model = MeasureTestData.TinyBatchNormNet(12);
        var set = MeasureTestData.SelfLabelled(model, 300, 6);
        var o = new MeasureOptions { MonteCarloSamples = 3, SigmaSearchDepth = 6, SearchChunk = 100, Seed = 8 };
        var data = SharpnessData.Create(model, set, 300, o.Seed, 128);
        using var batched = new PerturbedEnsemble(model, 3);
        using var sequential = new PerturbedEnsemble(model, 3, sequential: true);
        Assert.Equal(PacBayesSigmaSearch.Run(batched, data, o, true).Trace("σ′"), PacBayesSigmaSearch.Run(sequential, data, o, true).Trace("σ′"));
    }

    /// <summary>
    /// Dinh et al.'s scale weakness: a conv followed by batch norm can be scaled by c (and its running statistics
    /// with it) without changing the function; the noise of the plain search is then c times smaller relative to
    /// that conv, so σ rises, while the magnitude-aware σ′ scales its noise with the weights and stays put.
    /// </summary>
    [Fact]
    public void Scaling_a_conv_before_batch_norm_raises_sigma_but_not_the_magnitude_aware_sigma()
    {
        using var model = MeasureTestData.TinyBatchNormNet(3);
        using var scaled = model.Clone();
        const float c = 8f;
        var p = scaled.Parameters.ToDictionary(q => q.Name);
        void Map(string name, Func<float, float> f)
        {
            var v = p[name].Value.ToArray().Select(f).ToArray();
            Device.Cpu.Backend.Upload(v, p[name].Value.Buffer);
        }
        const float eps = 1e-5f;
        Map("0.weight", v => v * c);
        Map("1.running_mean", v => v * c);
        Map("1.running_var", v => c * c * (v + eps) - eps);
        var set = MeasureTestData.SelfLabelled(model, 500, 9);

        // the function is unchanged
        var a = BatchedInference.Logits(model, set.Images, set.N, 128);
        var b = BatchedInference.Logits(scaled, set.Images, set.N, 128);
        for (int i = 0; i < a.Length; i++) Assert.True(Math.Abs(a[i] - b[i]) <= 1e-4 * Math.Max(1, Math.Abs(a[i])), $"logit {i}: {a[i]} vs {b[i]}");

        var o = new MeasureOptions
        {
            Performance = false, Norms = true, WorstCaseSharpness = false, WorstCaseMagnitudeSharpness = false,
            MonteCarloSamples = 8, SigmaSearchDepth = 10, SearchChunk = 250, SigmaEvaluation = SearchEvaluation.Full, Seed = 1,
        };
        var r0 = MeasureSuite.Compute(model, set, o);
        var r1 = MeasureSuite.Compute(scaled, set, o);
        output.WriteLine($"σ {r0["pacbayes_sigma"]} → {r1["pacbayes_sigma"]}, σ′ {r0["pacbayes_mag_sigma"]} → {r1["pacbayes_mag_sigma"]}");
        foreach (var n in r0.Notes.Concat(r1.Notes)) output.WriteLine(n);
        Assert.True(r1["pacbayes_sigma"] >= 1.3 * r0["pacbayes_sigma"], $"σ {r0["pacbayes_sigma"]} → {r1["pacbayes_sigma"]}");
        double resolution = (o.SigmaUpper - o.SigmaLower) / Math.Pow(2, o.SigmaSearchDepth);
        Assert.True(Math.Abs(r1["pacbayes_mag_sigma"] - r0["pacbayes_mag_sigma"]) <= 2 * resolution,
            $"σ′ {r0["pacbayes_mag_sigma"]} → {r1["pacbayes_mag_sigma"]}");
        // the norm measures see the folded network, which the rescaling leaves unchanged
        Assert.Equal(r0["log_prod_of_spec"], r1["log_prod_of_spec"], 4);
        Assert.Equal(r0["path_norm"], r1["path_norm"], 4);
    }

    [Fact]
    public void Step_rule_decides_only_when_the_interval_is_on_one_side()
    {
        // reference 1.0, target 0.1 ± 0.01: 0.95 is below, 0.85 above, 0.9 within
        Assert.Equal(StepOutcome.Below, StepRule.Outcome(0.95, 1.0, 0.1, 0.01));
        Assert.Equal(StepOutcome.Above, StepRule.Outcome(0.85, 1.0, 0.1, 0.01));
        Assert.Equal(StepOutcome.Within, StepRule.Outcome(0.905, 1.0, 0.1, 0.01));
        // after 10 of 1000 images, all wrong: the exact bounds alone cannot decide, the band can
        Assert.Null(StepRule.Decide(10, 1000, 0, 0, 1.0, 0.1, 0.01, 0));
        Assert.Equal(StepOutcome.Above, StepRule.Decide(500, 1000, 0, 0, 1.0, 0.1, 0.01, 0));
        Assert.Equal(StepOutcome.Above, StepRule.Decide(200, 1000, 0, 0, 1.0, 0.1, 0.01, 3));
        // right at the target after half the images: undecided until the end
        Assert.Null(StepRule.Decide(500, 1000, 450, 450, 1.0, 0.1, 0.01, 3));
        Assert.Equal(StepOutcome.Within, StepRule.Decide(1000, 1000, 900, 900, 1.0, 0.1, 0.01, 3));
    }
}
