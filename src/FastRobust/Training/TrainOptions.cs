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
}

/// <summary>One epoch's numbers. Test figures are null when no evaluation set was given.</summary>
public sealed record EpochResult(int Epoch, double TrainLoss, double TrainAccuracy, double? TestLoss, double? TestAccuracy,
    double Seconds, double ImagesPerSecond, float LastLr);

/// <summary>What a training run reports as it goes (a progress bar on a terminal, plain lines otherwise).</summary>
public interface ITrainProgress
{
    void EpochStarted(int epoch, int steps);
    /// <summary>Called after each step; <paramref name="runningLoss"/> is non-null on the steps where the loss was read back.</summary>
    void Step(int epoch, int step, double? runningLoss);
    void EpochFinished(EpochResult result);
}
