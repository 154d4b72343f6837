using FastRobust.Tensors;

namespace FastRobust.Data;

/// <summary>
/// One mini-batch on a device: images [B, C, H, W] and labels [B]. The caller owns the tensors: dispose the
/// batch (or let an enclosing <see cref="TensorScope"/> collect the images) when the step is done.
/// </summary>
public sealed class Batch(int index, Tensor images, IntTensor labels, ReadOnlyMemory<int> indices) : IDisposable
{
    /// <summary>Position of this batch within its epoch.</summary>
    public int Index { get; } = index;

    public Tensor Images { get; } = images;
    public IntTensor Labels { get; } = labels;

    /// <summary>The data-set indices of the images, in batch order.</summary>
    public ReadOnlyMemory<int> Indices { get; } = indices;

    public int Size => Labels.Length;

    public void Dispose()
    {
        Images.Dispose();
        Labels.Dispose();
    }
}
