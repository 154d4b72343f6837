using System.Text.Json;
using System.Text.Json.Serialization;

namespace FastRobust.Measures;

/// <summary>Which width the Gaussian weight noise of the PAC-Bayes σ search has for a searched value σ.</summary>
public enum SigmaConvention
{
    /// <summary>Jiang et al. 2020 as written: noise N(0, σ²), i.e. std σ; magnitude-aware std √(σ′²w² + ε²).</summary>
    Paper,

    /// <summary>The public PyTorch port (robust-generalization-measures): std σ², magnitude-aware std σ′²w² + ε².</summary>
    Port,
}

/// <summary>How one bisection step of a sharpness search decides whether its perturbation went too far.</summary>
public enum SearchEvaluation
{
    /// <summary>Every image of the search set, every step (the reference algorithm).</summary>
    Full,

    /// <summary>
    /// Images in chunks, stopping a step as soon as a confidence interval for the full-set accuracy (normal
    /// approximation with finite-population correction, clipped to the exact bounds) decides the step's outcome.
    /// </summary>
    Adaptive,
}

/// <summary>How the worst-case sharpness search climbs the loss inside its box.</summary>
public enum AscentRule
{
    /// <summary>Projected signed-gradient ascent: each step moves every weight by a fixed fraction of its box half-width.</summary>
    Sign,

    /// <summary>The PGDL baseline: plain SGD on the negated loss with a learning rate, then clipping into the box.</summary>
    Sgd,
}

/// <summary>
/// Every hyperparameter of <see cref="MeasureSuite"/>, with the defaults documented in docs/measures.md. The groups
/// (performance, norms, sharpness) can be switched off one by one; each sharpness search can be switched off too.
/// </summary>
public sealed record MeasureOptions
{
    // ---- what to compute ----
    public bool Performance { get; init; } = true;
    public bool Norms { get; init; } = true;
    public bool Sharpness { get; init; } = true;

    /// <summary>Images per forward pass when computing logits (performance, margin).</summary>
    public int Batch { get; init; } = 256;

    /// <summary>Seed of every random choice: the sharpness subset and order, the weight noise, power-iteration starts.</summary>
    public ulong Seed { get; init; }

    // ---- performance and uncertainty ----
    /// <summary>Equal-width confidence bins of the expected calibration error.</summary>
    public int EceBins { get; init; } = 15;

    /// <summary>γ, the margin the "over margin" measures divide by: this percentile of the per-sample margins (Jiang et al.: 10).</summary>
    public double MarginPercentile { get; init; } = 10;

    // ---- norms ----
    /// <summary>Lanczos steps of the exact convolution operator norm (the estimate stops earlier once it is stable).</summary>
    public int OperatorNormIterations { get; init; } = 300;

    /// <summary>Relative change of the Lanczos estimate under which it is considered converged.</summary>
    public double OperatorNormTolerance { get; init; } = 1e-9;

    /// <summary>Also compute the FFT spectral norm of Sedghi et al. (circular padding) for stride-1 convolutions.</summary>
    public bool FftSpectralNorm { get; init; } = true;

    /// <summary>Path norm with squared biases as extra paths (what the public port computes); off: weights only.</summary>
    public bool PathNormIncludesBiases { get; init; }

    // ---- sharpness: shared ----
    /// <summary>Images the sharpness searches evaluate: a random subset (by <see cref="Seed"/>) of the given set.</summary>
    public int SharpnessImages { get; init; } = 5000;

    /// <summary>Target drop of accuracy (Jiang et al.: 0.1).</summary>
    public double TargetDeviation { get; init; } = 0.1;

    /// <summary>
    /// Double a search's upper end while every step so far perturbed too little (off: the bracket is fixed, as in the
    /// reference code). Either way the measures table's status column says how each search ended.
    /// </summary>
    public bool WidenBracket { get; init; }

    /// <summary>A step whose drop is within this of the target ends the search (Jiang et al.: 0.01).</summary>
    public double DeviationTolerance { get; init; } = 0.01;

    /// <summary>ε of the magnitude-aware noise and bounds (Jiang et al.: 1e-3).</summary>
    public double MagnitudeEpsilon { get; init; } = 1e-3;

    // ---- PAC-Bayes σ search ----
    public bool PacBayesSigma { get; init; } = true;
    public bool PacBayesMagnitudeSigma { get; init; } = true;
    public SigmaConvention SigmaConvention { get; init; } = SigmaConvention.Paper;
    public double SigmaLower { get; init; }
    public double SigmaUpper { get; init; } = 2.0;
    public int SigmaSearchDepth { get; init; } = 15;

    /// <summary>Monte-Carlo weight samples per bisection step, evaluated together as one ensemble.</summary>
    public int MonteCarloSamples { get; init; } = 10;

    public SearchEvaluation SigmaEvaluation { get; init; } = SearchEvaluation.Adaptive;

    /// <summary>z of the adaptive rule's confidence interval.</summary>
    public double AdaptiveZ { get; init; } = 3.0;

    /// <summary>Evaluate the Monte-Carlo samples one model after another instead of as one ensemble (same results; for speed comparisons).</summary>
    public bool SequentialSamples { get; init; }

    /// <summary>Images per decision of the adaptive rule (and per accuracy pass of the worst-case search).</summary>
    public int SearchChunk { get; init; } = 100;

    /// <summary>Images per forward pass of the S-member ensemble in the σ searches (S·this activations at a time).</summary>
    public int SearchBatch { get; init; } = 64;

    // ---- worst-case sharpness ----
    public bool WorstCaseSharpness { get; init; } = true;
    public bool WorstCaseMagnitudeSharpness { get; init; } = true;
    public double AlphaLower { get; init; }

    /// <summary>Upper end of the α′ bracket (the PGDL baseline: 0.5).</summary>
    public double AlphaUpper { get; init; } = 0.5;

    public int AlphaSearchDepth { get; init; } = 12;

    /// <summary>Random starts in the box per step, run together as ensemble members; the step keeps the worst.</summary>
    public int WorstCaseRestarts { get; init; } = 3;

    public int AscentSteps { get; init; } = 20;
    public int AscentBatch { get; init; } = 64;
    public AscentRule AscentRule { get; init; } = AscentRule.Sign;

    /// <summary>Sign rule: step as a fraction of the box half-width.</summary>
    public double AscentStepFraction { get; init; } = 0.1;

    /// <summary>Sgd rule: learning rate (the PGDL baseline: 1e-3).</summary>
    public double AscentLearningRate { get; init; } = 1e-3;

    /// <summary>Images the perturbed accuracy of the worst-case search is measured on (the first of the sharpness subset).</summary>
    public int WorstCaseImages { get; init; } = 1000;

    /// <summary>Added to the magnitude box half-width α′|w| (the PGDL baseline: 0).</summary>
    public double WorstCaseBoxEpsilon { get; init; }

    public void Validate()
    {
        static void Check(bool ok, string what) { if (!ok) throw new Util.InputException(what); }
        Check(Batch > 0, $"batch must be positive, got {Batch}");
        Check(EceBins > 0, $"ECE bins must be positive, got {EceBins}");
        Check(MarginPercentile > 0 && MarginPercentile <= 100, $"margin percentile must be in (0, 100], got {MarginPercentile}");
        Check(OperatorNormIterations > 0, "operator-norm iterations must be positive");
        Check(SharpnessImages > 0, $"sharpness images must be positive, got {SharpnessImages}");
        Check(TargetDeviation > 0 && TargetDeviation < 1, $"target deviation must be in (0, 1), got {TargetDeviation}");
        Check(DeviationTolerance >= 0 && DeviationTolerance < TargetDeviation, $"tolerance must be in [0, target), got {DeviationTolerance}");
        Check(MagnitudeEpsilon >= 0, "magnitude epsilon must not be negative");
        Check(SigmaLower >= 0 && SigmaUpper > SigmaLower, $"σ bracket [{SigmaLower}, {SigmaUpper}] must have 0 ≤ lower < upper");
        Check(SigmaSearchDepth > 0 && AlphaSearchDepth > 0, "search depths must be positive");
        Check(MonteCarloSamples > 0, $"Monte-Carlo samples must be positive, got {MonteCarloSamples}");
        Check(AdaptiveZ > 0, "adaptive z must be positive");
        Check(SearchChunk > 0 && SearchBatch > 0, "search chunk and batch must be positive");
        Check(AlphaLower >= 0 && AlphaUpper > AlphaLower, $"α′ bracket [{AlphaLower}, {AlphaUpper}] must have 0 ≤ lower < upper");
        Check(WorstCaseRestarts > 0 && AscentSteps >= 0 && AscentBatch > 0 && WorstCaseImages > 0, "worst-case restarts, batch and images must be positive");
        Check(AscentStepFraction > 0 && AscentLearningRate > 0, "ascent step sizes must be positive");
        Check(WorstCaseBoxEpsilon >= 0, "box epsilon must not be negative");
    }

    private static readonly JsonSerializerOptions Json = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.SnakeCaseLower) },
    };

    /// <summary>The named options as one compact JSON object (what a measure row records as "options").</summary>
    internal static string ToJson(IReadOnlyDictionary<string, object> values) => JsonSerializer.Serialize(values, Json);

    internal static string Name<T>(T value) where T : Enum => JsonNamingPolicy.SnakeCaseLower.ConvertName(value.ToString());
}
