using FastRobust.Tensors;

namespace FastRobust.Attacks;

/// <summary>
/// What one <see cref="IAttack.Run"/> produced: the adversarial images on the device and one outcome per sample.
/// A sample is <see cref="Attacked"/> when its clean prediction is correct (untargeted) or differs from its target
/// (targeted); the others are returned unchanged. <see cref="Success"/> is judged on the returned image by a
/// separate forward pass: untargeted, the prediction differs from the label; targeted, it equals the target.
/// </summary>
public sealed class AttackResult : IDisposable
{
    internal AttackResult(string attack, ThreatNorm norm, float? epsilon, string options, Tensor adversarial, int[] labels, int[]? targets)
    {
        Attack = attack;
        Norm = norm;
        Epsilon = epsilon;
        Options = options;
        Adversarial = adversarial;
        int n = labels.Length;
        Labels = labels;
        Targets = targets;
        CleanPrediction = new int[n];
        Prediction = new int[n];
        Attacked = new bool[n];
        Success = new bool[n];
        Steps = new int[n];
        Queries = new long[n];
        Gradients = new long[n];
        L0 = new double[n];
        L1 = new double[n];
        L2 = new double[n];
        Linf = new double[n];
    }

    public string Attack { get; }
    public ThreatNorm Norm { get; }

    /// <summary>The effective ε (null: an unbounded minimal-perturbation attack).</summary>
    public float? Epsilon { get; }

    /// <summary>The effective settings as a JSON object.</summary>
    public string Options { get; }

    /// <summary>Adversarial images [N, C, H, W] on the model's device; disposed with the result.</summary>
    public Tensor Adversarial { get; }

    /// <summary>Index of the first sample in the whole evaluated set (AttackOptions.SampleOffset).</summary>
    public long SampleOffset { get; internal init; }

    public int Count => Labels.Length;
    public int[] Labels { get; }

    /// <summary>Target classes of a targeted run, else null.</summary>
    public int[]? Targets { get; }
    public bool Targeted => Targets is not null;

    public int[] CleanPrediction { get; }
    public int[] Prediction { get; }
    public bool[] Attacked { get; }
    public bool[] Success { get; }

    /// <summary>Iterations that produced the returned image (summed over restarts).</summary>
    public int[] Steps { get; }

    /// <summary>Forward passes spent on the sample (each gradient includes one).</summary>
    public long[] Queries { get; }

    /// <summary>Input gradients spent on the sample (0 for score-based and random attacks).</summary>
    public long[] Gradients { get; }

    /// <summary>Norms of the returned perturbation x_adv − x: changed pixel positions, Σ|δ|, ‖δ‖₂, max|δ|.</summary>
    public double[] L0 { get; }
    public double[] L1 { get; }
    public double[] L2 { get; }
    public double[] Linf { get; }

    public bool CleanCorrect(int i) => CleanPrediction[i] == Labels[i];

    /// <summary>Robust: the returned image is still classified correctly.</summary>
    public bool Robust(int i) => Prediction[i] == Labels[i];

    /// <summary>Steps before the first adversarial step (the "survived steps" of seed 003): all of them when it never was.</summary>
    public int SurvivedSteps(int i) => Success[i] && Attacked[i] ? Math.Max(0, Steps[i] - 1) : Steps[i];

    /// <summary>The adversarial images on the host.</summary>
    public float[] AdversarialToArray() => Adversarial.ToArray();

    public AttackSummary Summarize() => AttackSummary.Of(this);

    public void Dispose() => Adversarial.Dispose();
}
