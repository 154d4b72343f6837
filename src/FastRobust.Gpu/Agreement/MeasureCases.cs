using FastRobust.Data;
using FastRobust.Measures;
using FastRobust.Nn;
using FastRobust.Tensors;
using FastRobust.Training;

namespace FastRobust.Gpu.Agreement;

/// <summary>
/// Every measure of <see cref="MeasureSuite"/> (every group and every search switched on, as by default) on cpu and on
/// the GPU: the same tiny model, its initial weights and 32 labelled images; the same names in the same order, and
/// values within <see cref="RelativeTolerance"/>.
/// </summary>
/// <remarks>
/// The σ and α′ searches bisect on accuracies of perturbed models, a discrete decision per step: were one image's
/// prediction to flip, the two searches would part by at least 2⁻³ of the bracket's width, far beyond the tolerance.
/// The problem is fixed (not drawn per run) so that no perturbed logit lies within rounding of a tie, and the searches
/// run at full evaluation of a small set so each step's accuracy is decided on the same images on both backends.
/// </remarks>
internal static class MeasureCases
{
    /// <summary>
    /// Relative difference allowed per measure. The performance measures are float64 sums over float32 logits that differ
    /// by about 1e-6 between the backends; the norms are computed on the host from the same weights; a search that
    /// agrees step for step returns the same number.
    /// </summary>
    public const double RelativeTolerance = 1e-4;

    private const ulong Seed = 20_250_602;
    private const int N = 32;

    private const string Spec = """
        { "input": [3, 8, 8], "classes": 6, "layers": [
          {"type": "conv2d", "out": 8, "kernel": 3, "padding": 1, "bias": false},
          {"type": "batchnorm2d"}, {"type": "relu"}, {"type": "maxpool2d", "kernel": 2},
          {"type": "conv2d", "out": 8, "kernel": 3, "padding": 1}, {"type": "relu"},
          {"type": "flatten"}, {"type": "linear", "out": 6} ] }
        """;

    /// <summary>
    /// Small searches (ILGPU's CPU accelerator is slow), the brackets narrowed towards this untrained model's values:
    /// σ′ lies inside its bracket, so that bisection goes both ways; the magnitude-box α′ is within tolerance at the
    /// first step; the plain σ and α′ lie below the first steps and bisect down to them. Every switch of what to
    /// compute stays at its default, on.
    /// </summary>
    public static MeasureOptions Options { get; } = new()
    {
        Seed = Seed, Batch = 32, SharpnessImages = N, SearchChunk = 32, SearchBatch = 32,
        SigmaUpper = 0.25, SigmaSearchDepth = 4, MonteCarloSamples = 2, SigmaEvaluation = SearchEvaluation.Full,
        AlphaUpper = 0.0625, AlphaSearchDepth = 3, WorstCaseRestarts = 1, AscentSteps = 1, AscentBatch = 32, WorstCaseImages = N,
        OperatorNormIterations = 50,
    };

    public static IEnumerable<AgreementCase> All()
    {
        yield return new("measures: every value of the measure suite", [], t =>
        {
            var data = Problem();
            var runs = new[] { Device.Cpu, t.Gpu }.Select(dev =>
            {
                using var model = Model.Create(ModelSpec.Parse(Spec), dev, Seed);
                using var init = Model.Create(ModelSpec.Parse(Spec), dev, Seed + 1);
                return MeasureSuite.Compute(model, data, Options, init).Values;
            }).ToArray();
            var (cpu, gpu) = (runs[0], runs[1]);
            t.True(cpu.Count > 0, "the cpu run computed no measure");
            t.True(cpu.Select(v => v.Name).SequenceEqual(gpu.Select(v => v.Name)),
                $"measures on cpu: {string.Join(", ", cpu.Select(v => v.Name))}; on {t.Gpu.Name}: {string.Join(", ", gpu.Select(v => v.Name))}");
            foreach (var (e, a) in cpu.Zip(gpu))
            {
                if (e.Value.Equals(a.Value)) continue; // NaN or infinity on both, or equal
                double err = Math.Abs(e.Value - a.Value) / Math.Max(Math.Abs(e.Value), 1e-9);
                t.True(err <= RelativeTolerance, $"{e.Name}: cpu {e.Value:R}, {t.Gpu.Name} {a.Value:R}, relative error {err:E2}");
            }
        });
    }

    /// <summary>32 random images labelled by the cpu model, every fourth label moved to another class (accuracy 3/4).</summary>
    private static Dataset Problem()
    {
        var rng = new System.Random((int)(Seed % int.MaxValue));
        var images = Enumerable.Range(0, N * 3 * 8 * 8).Select(_ => (float)rng.NextDouble()).ToArray();
        using var model = Model.Create(ModelSpec.Parse(Spec), Device.Cpu, Seed);
        var logits = BatchedInference.Logits(model, images, N, N);
        var labels = new int[N];
        for (int i = 0; i < N; i++)
        {
            var row = logits.AsSpan(i * 6, 6);
            int best = 0;
            for (int j = 1; j < 6; j++) if (row[j] > row[best]) best = j;
            labels[i] = i % 4 == 3 ? (best + 1) % 6 : best;
        }
        return new Dataset("agreement", images, labels, 3, 8, 8, 6);
    }
}
