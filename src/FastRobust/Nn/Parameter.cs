using FastRobust.Tensors;

namespace FastRobust.Nn;

public enum ParameterKind { Weight, Bias, RunningMean, RunningVar }

/// <summary>
/// A named model tensor with PyTorch's nn.Sequential name ("3.weight"). In an ensemble the tensor carries a
/// leading member dimension E and <see cref="MemberShape"/> is the per-member (PyTorch) shape.
/// </summary>
public sealed class Parameter(string name, ParameterKind kind, int[] memberShape, Tensor value)
{
    public string Name { get; } = name;
    public ParameterKind Kind { get; } = kind;
    public int[] MemberShape { get; } = memberShape;
    public Tensor Value { get; internal set; } = value;

    /// <summary>Weights and biases are trained; running statistics are buffers updated by the forward pass.</summary>
    public bool Trainable => Kind is ParameterKind.Weight or ParameterKind.Bias;

    public long MemberCount => Tensor.Numel(MemberShape);
}
