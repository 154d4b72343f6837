using System.Text.Json;

namespace FastRobust.Study;

/// <summary>
/// One model of a study and everything done to it: train (or load), evaluate under every condition, measure.
/// Its id names its folder; its definition (JSON) is what makes two units the same unit across runs and shards.
/// </summary>
public sealed record WorkUnit
{
    public required string Id { get; init; }
    public required int Index { get; init; }
    /// <summary>"trained" or "loaded".</summary>
    public required string Source { get; init; }
    public string? Family { get; init; }
    /// <summary>The family argument string, e.g. "custom-cnn:depth=2,width=32".</summary>
    public string? FamilyArgs { get; init; }
    public string? Spec { get; init; }
    public string? Weights { get; init; }
    public required ulong Seed { get; init; }
    /// <summary>The full training settings (study defaults overridden by this unit's grid point).</summary>
    public required IReadOnlyDictionary<string, string> Training { get; init; }
    /// <summary>Every hyperparameter of this unit (family grid keys and training keys) as strings: the models table's columns.</summary>
    public required IReadOnlyDictionary<string, string> Hyperparameters { get; init; }

    public string Definition => JsonSerializer.Serialize(new
    {
        Id, Source, Family, FamilyArgs, Spec, Weights, Seed,
        Training = Training.OrderBy(kv => kv.Key, StringComparer.Ordinal).ToDictionary(),
    });
}
