using FastRobust.Nn;

namespace FastRobust.Bench;

/// <summary>
/// The reference CNN of ../shared/bench/refcnn.json (the model torch_peer.py measures), pinned here so that a
/// baseline stays comparable with later runs even if the shared file changes: four 3×3 convolutions (32, 32, 64,
/// 64 channels) with two 2×2 max pools, then 4096 → 256 → 10, on CIFAR-sized inputs.
/// </summary>
public static class ReferenceCnn
{
    public const string Json = """
        { "input": [3, 32, 32], "classes": 10,
          "layers": [
            {"type": "conv2d", "out": 32, "kernel": 3, "padding": 1},
            {"type": "relu"},
            {"type": "conv2d", "out": 32, "kernel": 3, "padding": 1},
            {"type": "relu"},
            {"type": "maxpool2d", "kernel": 2},
            {"type": "conv2d", "out": 64, "kernel": 3, "padding": 1},
            {"type": "relu"},
            {"type": "conv2d", "out": 64, "kernel": 3, "padding": 1},
            {"type": "relu"},
            {"type": "maxpool2d", "kernel": 2},
            {"type": "flatten"},
            {"type": "linear", "out": 256},
            {"type": "relu"},
            {"type": "dropout", "p": 0.25},
            {"type": "linear", "out": 10}
          ] }
        """;

    public static ModelSpec Spec { get; } = ModelSpec.Parse(Json, "the reference CNN");

    /// <summary>The convolutions by name (conv1 … conv4, in order), with the input shape [C, H, W] each sees.</summary>
    public static IReadOnlyDictionary<string, (LayerSpec Layer, int[] Input)> Convs { get; } = Named("conv2d", "conv");

    /// <summary>The linear layers by name (fc1, fc2), with their input shape [F].</summary>
    public static IReadOnlyDictionary<string, (LayerSpec Layer, int[] Input)> Linears { get; } = Named("linear", "fc");

    private static Dictionary<string, (LayerSpec, int[])> Named(string type, string prefix)
    {
        var d = new Dictionary<string, (LayerSpec, int[])>();
        for (int i = 0; i < Spec.Layers.Count; i++)
            if (Spec.Layers[i].Type == type)
                d[$"{prefix}{d.Count + 1}"] = (Spec.Layers[i], Spec.Shapes[i]);
        return d;
    }
}
