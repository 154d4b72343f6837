using System.Text.Json;
using FastRobust.Nn;
using FastRobust.Training;

namespace FastRobust.DataRobustness;

/// <summary>
/// Everything that decides a datapoints run's results. It is written to DIR/datapoints.json by the first run and
/// must be the same when the run is resumed; the scheme's batch size and the device are not in it, since they
/// change nothing but speed.
/// </summary>
public sealed record DatapointsSettings
{
    public required string Dataset { get; init; }
    public required string Model { get; init; }
    public required ModelSpec Spec { get; init; }
    /// <summary>A trained model's folder to use as M instead of training one.</summary>
    public string? From { get; init; }
    public int K { get; init; } = 28;
    public int MaxSteps { get; init; } = 250;
    public int PerClass { get; init; } = 1500;
    public ulong Seed { get; init; }
    public int TrainImages { get; init; }
    public int TestImages { get; init; }
    public required TrainOptions Train { get; init; }
    public int RetrainEpochs { get; init; }

    public string ToJson() => JsonSerializer.Serialize(new Dictionary<string, object?>
    {
        ["dataset"] = Dataset, ["model"] = Model, ["spec"] = JsonDocument.Parse(Spec.ToJson()).RootElement,
        ["from"] = From is null ? null : Path.GetFullPath(From), ["k"] = K, ["max_steps"] = MaxSteps, ["per_class"] = PerClass,
        ["seed"] = Seed, ["train_images"] = TrainImages, ["test_images"] = TestImages,
        ["epochs"] = Train.Epochs, ["retrain_epochs"] = RetrainEpochs, ["batch"] = Train.Batch, ["optimizer"] = Train.Optimizer,
        ["lr"] = Train.Lr, ["momentum"] = Train.Momentum, ["weight_decay"] = Train.WeightDecay, ["nesterov"] = Train.Nesterov,
        ["schedule"] = Train.Schedule, ["label_smoothing"] = Train.LabelSmoothing, ["augment"] = Train.Augment is not null,
    }, new JsonSerializerOptions { WriteIndented = true }) + "\n";
}
