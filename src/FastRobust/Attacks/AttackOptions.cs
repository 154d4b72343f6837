using System.Globalization;
using System.Text.Json;
using FastRobust.Util;

namespace FastRobust.Attacks;

/// <summary>
/// Every setting of an attack. Settings left null take the attack's default (docs/attacks.md); settings an attack
/// does not use are ignored. <see cref="IAttack"/> implementations resolve and validate them before any work.
/// </summary>
public sealed record AttackOptions
{
    /// <summary>
    /// ε: the radius of the threat model's ball in pixel units of [0, 1] (L∞ or L2), the pixel budget k of
    /// random-l0, or σ of gaussian. deepfool and cw are minimal-perturbation attacks: without ε they are unbounded,
    /// with ε their result is projected onto the ε-ball and judged there (Foolbox's convention).
    /// </summary>
    public float? Epsilon { get; init; }

    /// <summary>Step size α of fgsm/bim/pgd/pgd-l2 (pixel units; L2 length for pgd-l2).</summary>
    public float? StepSize { get; init; }

    /// <summary>Iterations (queries for square, MAX_STEPS for random-l0, Adam steps per binary-search step for cw).</summary>
    public int? Steps { get; init; }

    /// <summary>pgd / pgd-l2: start from a random point of the ball (apgd-ce always does, bim and fgsm never).</summary>
    public bool RandomStart { get; init; } = true;

    /// <summary>Restarts (random starts; draws for gaussian); a restart attacks only the samples not yet fooled.</summary>
    public int Restarts { get; init; } = 1;

    public TargetMode Target { get; init; } = TargetMode.None;

    /// <summary>With <see cref="TargetMode.Given"/>: one class for every sample (length 1) or one per sample.</summary>
    public int[]? TargetLabels { get; init; }

    /// <summary>
    /// Stop working on a sample once it is adversarial (iterative gradient attacks return their first adversarial
    /// iterate). Off: pgd/bim run every step and return the last iterate, as torchattacks does.
    /// </summary>
    public bool EarlyStop { get; init; } = true;

    /// <summary>
    /// Perturb every sample, the clean-misclassified ones too (torchattacks' behaviour, and what adversarial training
    /// needs), through every step: early stopping is off. Off (the default), a sample whose clean prediction is
    /// already wrong (or already the target) is returned unchanged. fgsm, bim, pgd, pgd-l2 and gaussian only.
    /// </summary>
    public bool AllSamples { get; init; }

    /// <summary>Samples attacked together on the device.</summary>
    public int Batch { get; init; } = 256;

    /// <summary>Index of the first row of x in the whole evaluated set: per-sample randomness is keyed by it.</summary>
    public long SampleOffset { get; init; }

    /// <summary>deepfool: the overshoot η (x = x₀ + (1 + η)·r_total).</summary>
    public float Overshoot { get; init; } = 0.02f;

    /// <summary>deepfool: how many of the most likely classes (the clean prediction included) are considered.</summary>
    public int Candidates { get; init; } = 10;

    /// <summary>cw: binary-search steps over the constant c.</summary>
    public int BinarySearchSteps { get; init; } = 9;

    /// <summary>cw: the first c.</summary>
    public float InitialConst { get; init; } = 1e-3f;

    /// <summary>cw: Adam's learning rate in tanh space.</summary>
    public float LearningRate { get; init; } = 0.01f;

    /// <summary>cw: the confidence κ (margin the adversarial logit must win by).</summary>
    public float Confidence { get; init; }

    /// <summary>cw: stop a sample's Adam run when its loss has not dropped by 0.01 % over a tenth of the steps.</summary>
    public bool AbortEarly { get; init; } = true;

    /// <summary>apgd-ce: ρ, the fraction of improving steps below which a checkpoint halves the step size.</summary>
    public float Rho { get; init; } = 0.75f;

    /// <summary>apgd-t, fab-t: how many target classes (the most likely ones after the prediction) are tried; at most classes − 1 are used.</summary>
    public int TargetClasses { get; init; } = 9;

    /// <summary>fab-t: the largest step towards the original image (α_max).</summary>
    public float AlphaMax { get; init; } = 0.1f;

    /// <summary>fab-t: the overshoot η of each projection step.</summary>
    public float Eta { get; init; } = 1.05f;

    /// <summary>fab-t: the backward step β towards the original image after an adversarial iterate.</summary>
    public float Beta { get; init; } = 0.9f;

    /// <summary>autoattack: which of AutoAttack's ensembles runs (standard, plus, rand).</summary>
    public string Version { get; init; } = "standard";

    /// <summary>square: p_init, the initial fraction of pixels a square covers.</summary>
    public float PInit { get; init; } = 0.8f;

    /// <summary>A positive value, or a clear error naming the setting.</summary>
    internal static void Positive(float v, string name)
    {
        if (!(v > 0) || float.IsInfinity(v)) throw new InputException($"{name} must be a positive number, got {Format(v)}");
    }

    internal static string Format(float v) => v.ToString("G6", CultureInfo.InvariantCulture);

    /// <summary>Checks the settings every attack shares.</summary>
    internal void ValidateCommon(IAttack attack)
    {
        if (Epsilon is float e && (float.IsNaN(e) || e < 0))
            throw new InputException($"ε (--eps) must not be negative, got {Format(e)}");
        // pixels live in [0, 1]: an L∞ radius above 1 constrains nothing, and is a mistake (ε in 0-255 units?)
        if (Epsilon is float big && attack.Norm == ThreatNorm.Linf && (big > 1 || float.IsInfinity(big)))
            throw new InputException($"ε (--eps) {Format(big)} of {attack.Name} is an L∞ radius on [0, 1] pixels and must be at most 1 (8/255 is 0.0314)");
        if (StepSize is float a) Positive(a, "the step size (--alpha)");
        if (Steps is int s && s < 1) throw new InputException($"--steps must be at least 1, got {s}");
        if (Restarts < 1) throw new InputException($"--restarts must be at least 1, got {Restarts}");
        if (TargetClasses < 1) throw new InputException($"--target-classes must be at least 1, got {TargetClasses}");
        if (Batch < 1) throw new InputException($"--batch must be positive, got {Batch}");
        if (SampleOffset < 0) throw new InputException($"the sample offset must not be negative, got {SampleOffset}");
        if (Target != TargetMode.None && !attack.SupportsTargeted)
            throw new InputException($"{attack.Name} is untargeted only; targeted modes are defined for fgsm, bim, pgd, pgd-l2, cw, apgd-ce and square");
        if (Target == TargetMode.Given && (TargetLabels is null || TargetLabels.Length == 0))
            throw new InputException("a given target needs target labels");
        if (Target != TargetMode.Given && TargetLabels is not null)
            throw new InputException("target labels are given, but the target mode is not 'given'");
    }

    /// <summary>The settings that matter for one attack as a JSON object (the "options" column of the tables).</summary>
    internal static string Json(IReadOnlyDictionary<string, object?> settings) => JsonSerializer.Serialize(settings);

    /// <summary>As <see cref="Json"/>, with "all_samples": true added when every sample is perturbed.</summary>
    internal string Json(Dictionary<string, object?> settings)
    {
        if (AllSamples) settings["all_samples"] = true;
        return JsonSerializer.Serialize(settings);
    }
}
