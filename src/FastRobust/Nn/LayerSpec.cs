namespace FastRobust.Nn;

/// <summary>
/// One entry of a model spec's "layers" list (see docs/model-files.md). Fields not used by a type are left
/// at their defaults; <see cref="ModelSpec"/> validates which fields each type may carry.
/// </summary>
public sealed record LayerSpec(string Type)
{
    public int Out { get; init; }
    public int Kernel { get; init; }
    public int? Stride { get; init; }
    public int Padding { get; init; }
    public bool Bias { get; init; } = true;
    public float P { get; init; }
    public float[]? Mean { get; init; }
    public float[]? Std { get; init; }

    public static readonly string[] Types =
        ["normalize", "conv2d", "linear", "batchnorm2d", "relu", "gelu", "maxpool2d", "avgpool2d", "global_avgpool", "dropout", "flatten"];
}
