using System.Globalization;
using System.Text.Json.Serialization;
using FastRobust.Util;

namespace FastRobust.Training;

/// <summary>How a training step perturbs its batch (docs/robust-training.md).</summary>
public enum AdversarialMethod
{
    /// <summary>Standard training (with Gaussian noise when <see cref="RobustOptions.NoiseSigma"/> &gt; 0).</summary>
    None,

    /// <summary>Goodfellow et al. 2015: one signed step of α = ε from the clean image.</summary>
    Fgsm,

    /// <summary>Wong et al. 2020: uniform random start in the ε-ball, one signed step of α = 1.25·ε, projected.</summary>
    FgsmRs,

    /// <summary>Madry et al. 2018: random start, K projected steps.</summary>
    Pgd,

    /// <summary>Zhang et al. 2019: CE(f(x), y) + β·KL(f(x) ‖ f(x')), x' maximising the KL from x + 0.001·N(0, I).</summary>
    Trades,
}

/// <summary>
/// Robust-training settings: the adversarial method, its threat model and step rule, the ε warm-up, and Gaussian
/// noise augmentation. Null settings take the method's defaults when <see cref="Resolve"/> fills them in.
/// </summary>
public sealed record RobustOptions
{
    [JsonIgnore]
    public AdversarialMethod Method { get; init; } = AdversarialMethod.None;

    /// <summary>The method's CLI name (none, fgsm, fgsm-rs, pgd, trades), as training.json records it.</summary>
    [JsonPropertyName("method")]
    public string MethodLabel => MethodName(Method);

    /// <summary>The radius ε of the training threat model, in [0, 1] pixel units (L∞ or L2).</summary>
    public float? Epsilon { get; init; }

    /// <summary>Step size α: fgsm ε, fgsm-rs 1.25·ε, pgd and trades 2.5·ε/K.</summary>
    public float? Alpha { get; init; }

    /// <summary>Attack steps K: 1 for fgsm and fgsm-rs, 10 for pgd and trades.</summary>
    public int? Steps { get; init; }

    /// <summary>L2 instead of L∞ (fgsm, fgsm-rs and pgd; trades is L∞ only).</summary>
    public bool L2 { get; init; }

    /// <summary>TRADES' β, the weight of the KL term (6, the paper's default).</summary>
    public float TradesBeta { get; init; } = 6f;

    /// <summary>Epochs over which ε (and α with it) ramps linearly from 0 to its value, per step; 0: no warm-up.</summary>
    public int EpsWarmupEpochs { get; init; }

    /// <summary>σ of the Gaussian noise added to every training image (clipped to [0, 1]); 0: none.</summary>
    public float NoiseSigma { get; init; }

    [JsonIgnore]
    public bool Adversarial => Method != AdversarialMethod.None;

    /// <summary>Whether the training step does anything beyond standard training.</summary>
    [JsonIgnore]
    public bool Active => Adversarial || NoiseSigma > 0;

    public static readonly IReadOnlyList<string> MethodNames = ["none", "fgsm", "fgsm-rs", "pgd", "trades"];

    public static AdversarialMethod ParseMethod(string name) => name.ToLowerInvariant() switch
    {
        "none" => AdversarialMethod.None,
        "fgsm" => AdversarialMethod.Fgsm,
        "fgsm-rs" => AdversarialMethod.FgsmRs,
        "pgd" => AdversarialMethod.Pgd,
        "trades" => AdversarialMethod.Trades,
        _ => throw new InputException($"unknown adversarial training method '{name}': expected one of {string.Join(", ", MethodNames)}"),
    };

    public static string MethodName(AdversarialMethod m) => MethodNames[(int)m];

    /// <summary>Whether the method starts from a random point (fgsm-rs, pgd; trades from x + 0.001·N(0, I)).</summary>
    [JsonIgnore]
    public bool RandomStart => Method is AdversarialMethod.FgsmRs or AdversarialMethod.Pgd;

    /// <summary>Checks the settings and fills in the method's defaults; throws <see cref="InputException"/> naming the option.</summary>
    public RobustOptions Resolve()
    {
        if (float.IsNaN(NoiseSigma) || NoiseSigma < 0 || float.IsInfinity(NoiseSigma))
            throw new InputException($"--noise-sigma must be a non-negative number, got {F(NoiseSigma)}");
        if (EpsWarmupEpochs < 0) throw new InputException($"--train-eps-warmup must not be negative, got {EpsWarmupEpochs}");
        if (!Adversarial)
        {
            if (Epsilon is not null || Alpha is not null || Steps is not null || L2 || EpsWarmupEpochs > 0)
                throw new InputException("--train-eps, --train-alpha, --train-steps, --train-norm and --train-eps-warmup need --adversarial fgsm|fgsm-rs|pgd|trades");
            return this;
        }
        if (NoiseSigma > 0)
            throw new InputException("--noise-sigma is Gaussian-noise training: it does not combine with --adversarial (use one or the other)");
        float eps = Epsilon ?? throw new InputException($"--adversarial {MethodName(Method)} needs --train-eps");
        if (float.IsNaN(eps) || eps <= 0 || float.IsInfinity(eps)) throw new InputException($"--train-eps must be positive, got {F(eps)}");
        if (!L2 && eps > 1) throw new InputException($"--train-eps {F(eps)} is larger than the [0, 1] pixel range of an L∞ ball");
        if (Alpha is float a && (float.IsNaN(a) || a <= 0 || float.IsInfinity(a))) throw new InputException($"--train-alpha must be positive, got {F(a)}");
        if (Steps is int s && s < 1) throw new InputException($"--train-steps must be at least 1, got {s}");
        if (Method == AdversarialMethod.Trades && L2) throw new InputException("--adversarial trades is defined for --train-norm linf only");
        if (Method == AdversarialMethod.Trades && (float.IsNaN(TradesBeta) || TradesBeta < 0 || float.IsInfinity(TradesBeta)))
            throw new InputException($"--trades-beta must be a non-negative number, got {F(TradesBeta)}");
        if ((Method is AdversarialMethod.Fgsm or AdversarialMethod.FgsmRs) && Steps is int k && k != 1)
            throw new InputException($"--adversarial {MethodName(Method)} takes one step: --train-steps {k} applies to pgd and trades");
        int steps = Steps ?? (Method is AdversarialMethod.Pgd or AdversarialMethod.Trades ? 10 : 1);
        float alpha = Alpha ?? Method switch
        {
            AdversarialMethod.Fgsm => eps,
            AdversarialMethod.FgsmRs => 1.25f * eps,
            _ => 2.5f * eps / steps,
        };
        return this with { Epsilon = eps, Alpha = alpha, Steps = steps };
    }

    /// <summary>
    /// The ε-warm-up factor at a global step: min(1, (step + 1) / (warm-up epochs · steps per epoch)), a linear ramp
    /// that reaches the full ε at the end of the warm-up; 1 without warm-up.
    /// </summary>
    public float WarmupFactor(long step, int stepsPerEpoch) =>
        EpsWarmupEpochs == 0 ? 1f : (float)Math.Min(1.0, (step + 1) / ((double)EpsWarmupEpochs * stepsPerEpoch));

    private static string F(float v) => v.ToString("G6", CultureInfo.InvariantCulture);
}
