using System.CommandLine;
using FastRobust.Tensors;

namespace FastRobust.Cli.Commands;

/// <summary>Options every verb shares.</summary>
public static class CommonOptions
{
    public static Option<string> Device() => new("--device")
    {
        Description = "Where to run: auto (cuda when a CUDA GPU is present, else cpu), cpu, cuda, or ilgpu-cpu (the GPU kernels on ILGPU's CPU simulator, for tests)",
        DefaultValueFactory = _ => "auto",
    };

    public static Option<ulong> Seed() => new("--seed")
    {
        Description = "Seed of every random choice (initialisation, data order, augmentation, dropout, attacks)",
        DefaultValueFactory = _ => 0UL,
    };

    public static Device OpenDevice(string name) => Tensors.Device.Parse(name);

    /// <summary>A positive count option, or a clear error naming it.</summary>
    public static int Positive(int value, string name) =>
        value > 0 ? value : throw new Util.InputException($"{name} must be positive, got {value}");
}
