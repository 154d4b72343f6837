using System.CommandLine;
using FastRobust.Training;
using FastRobust.Util;

namespace FastRobust.Cli.Commands;

/// <summary>The robust-training options of ./run.sh train (docs/robust-training.md), read into <see cref="RobustOptions"/>.</summary>
public sealed class RobustTrainingOptions
{
    private readonly Option<string> _method = new("--adversarial")
    {
        Description = "Adversarial training: none, fgsm (Goodfellow), fgsm-rs (Wong et al.: random start, α = 1.25·ε), pgd (Madry: random start, K steps), trades (Zhang et al.)",
        DefaultValueFactory = _ => "none",
    };
    private readonly Option<float?> _eps = new("--train-eps") { Description = "ε of the training threat model, in [0, 1] pixel units" };
    private readonly Option<float?> _alpha = new("--train-alpha") { Description = "Attack step size (fgsm: ε; fgsm-rs: 1.25·ε; pgd, trades: 2.5·ε/steps)" };
    private readonly Option<int?> _steps = new("--train-steps") { Description = "Attack steps (pgd, trades: 10)" };
    private readonly Option<string> _norm = new("--train-norm") { Description = "linf or l2 (trades: linf only)", DefaultValueFactory = _ => "linf" };
    private readonly Option<float> _beta = new("--trades-beta") { Description = "TRADES' β, the weight of the KL term", DefaultValueFactory = _ => 6f };
    private readonly Option<int> _warmup = new("--train-eps-warmup") { Description = "Epochs over which ε ramps linearly from 0 (per step)", DefaultValueFactory = _ => 0 };
    private readonly Option<float> _sigma = new("--noise-sigma") { Description = "Gaussian-noise training: x + N(0, σ²I) clipped to [0, 1], fresh noise every step", DefaultValueFactory = _ => 0f };
    private readonly Option<int> _evalLimit = new("--robust-eval")
    {
        Description = "With --adversarial: PGD-10 robust accuracy at the training ε on the first N evaluation images after each epoch (0: off)",
        DefaultValueFactory = _ => 1000,
    };

    public RobustTrainingOptions()
    {
        _method.AcceptOnlyFromAmong([.. RobustOptions.MethodNames]);
        _norm.AcceptOnlyFromAmong("linf", "l2");
    }

    public IEnumerable<Option> All => [_method, _eps, _alpha, _steps, _norm, _beta, _warmup, _sigma, _evalLimit];

    /// <summary>The resolved settings; bad combinations throw <see cref="InputException"/>.</summary>
    public RobustOptions Read(ParseResult r) => new RobustOptions
    {
        Method = RobustOptions.ParseMethod(r.GetValue(_method)!),
        Epsilon = r.GetValue(_eps),
        Alpha = r.GetValue(_alpha),
        Steps = r.GetValue(_steps),
        L2 = r.GetValue(_norm) == "l2",
        TradesBeta = r.GetValue(_beta),
        EpsWarmupEpochs = r.GetValue(_warmup),
        NoiseSigma = r.GetValue(_sigma),
    }.Resolve();

    public int EvalLimit(ParseResult r) =>
        r.GetValue(_evalLimit) is var n && n >= 0 ? n : throw new InputException($"--robust-eval must not be negative, got {n}");

    /// <summary>One line saying what the robust training does, for the start of a run.</summary>
    public static string Describe(RobustOptions o) => o.Adversarial
        ? $"adversarial training: {RobustOptions.MethodName(o.Method)} {(o.L2 ? "L2" : "L∞")} ε {o.Epsilon:G4}, α {o.Alpha:G4}, {o.Steps} step(s)" +
          (o.Method == AdversarialMethod.Trades ? $", β {o.TradesBeta:G4}" : "") +
          (o.EpsWarmupEpochs > 0 ? $", ε warm-up over {o.EpsWarmupEpochs} epoch(s)" : "") + "; attack in eval mode"
        : $"Gaussian-noise training: σ {o.NoiseSigma:G4}, clipped to [0, 1]";
}
