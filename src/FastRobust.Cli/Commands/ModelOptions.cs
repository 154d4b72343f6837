using System.CommandLine;

namespace FastRobust.Cli.Commands;

/// <summary>The options that name a trained model: its spec and its weights.</summary>
public static class ModelOptions
{
    public static Option<string> Spec() => new("--model") { Description = "Model spec (.json, e.g. DIR/model.json from train)", Required = true };

    public static Option<string> Weights() => new("--weights") { Description = "Model weights (.safetensors with nn.Sequential names, e.g. DIR/model.safetensors)", Required = true };
}
