using FastRobust.Data;

namespace FastRobust.Training;

/// <summary>Everything that determines a training run besides the model and the data.</summary>
public sealed record TrainOptions
{
    public int Epochs { get; init; } = 1;
    public int Batch { get; init; } = 128;
    public string Optimizer { get; init; } = "sgd";
    public float Lr { get; init; } = 0.01f;
    public float Momentum { get; init; } = 0.9f;
    public float WeightDecay { get; init; }
    public bool Nesterov { get; init; }
    public string Schedule { get; init; } = "constant";
    public float LabelSmoothing { get; init; }
    public Augmentation? Augment { get; init; }
    public ulong Seed { get; init; }

    /// <summary>Adversarial or Gaussian-noise training (resolved: <see cref="RobustOptions.Resolve"/>); none by default.</summary>
    public RobustOptions Robust { get; init; } = new();

    /// <summary>
    /// Adversarial training: after each epoch, PGD robust accuracy on the first this-many evaluation images (PGD-10
    /// at the training ε and norm, α = 2.5·ε/10, random start); 0 turns it off.
    /// </summary>
    public int RobustEvalLimit { get; init; } = 1000;
}

/// <summary>
/// One epoch's numbers. Test figures are null when no evaluation set was given. With robust training the train loss
/// and accuracy are those of the perturbed batches the model trained on, and the clean ones are reported beside them;
/// <see cref="TestRobustAccuracy"/> is PGD robust accuracy on the evaluation set (<see cref="TrainOptions.RobustEvalLimit"/>)
/// and <see cref="TrainEps"/> the ε of the epoch's last step (after the warm-up).
/// </summary>
public sealed record EpochResult(int Epoch, double TrainLoss, double TrainAccuracy, double? TestLoss, double? TestAccuracy,
    double Seconds, double ImagesPerSecond, float LastLr, double? CleanTrainLoss = null, double? CleanTrainAccuracy = null,
    double? TestRobustAccuracy = null, float? TrainEps = null);

/// <summary>What a training run reports as it goes (a progress bar on a terminal, plain lines otherwise).</summary>
public interface ITrainProgress
{
    void EpochStarted(int epoch, int steps);
    /// <summary>Called after each step; <paramref name="runningLoss"/> is non-null on the steps where the loss was read back.</summary>
    void Step(int epoch, int step, double? runningLoss);
    void EpochFinished(EpochResult result);
}
