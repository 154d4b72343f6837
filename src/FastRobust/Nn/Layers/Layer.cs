using FastRobust.Tensors;

namespace FastRobust.Nn.Layers;

/// <summary>One layer of a sequential model; index is its position in the spec (and its PyTorch name prefix).</summary>
public abstract class Layer(int index, LayerSpec spec)
{
    public int Index { get; } = index;
    public LayerSpec Spec { get; } = spec;

    public virtual IReadOnlyList<Parameter> Parameters => [];

    public abstract Tensor Forward(Tensor x, ForwardContext ctx);

    /// <summary>Features keep a leading member dimension in an ensemble: images are rank 5, vectors rank 3.</summary>
    protected static bool IsEnsembleImage(Tensor x) => x.Rank == 5;
}
