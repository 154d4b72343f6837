namespace FastRobust.Tensors;

/// <summary>
/// Collects gradients during one backward pass. Each stored gradient is its own reference to the storage, so
/// an op may pass the same gradient tensor to several inputs and the temporaries of each node can be freed as
/// soon as that node is done.
/// </summary>
public sealed class GradSink
{
    private readonly Dictionary<Tensor, Tensor> _grads = new(ReferenceEqualityComparer.Instance);

    /// <summary>Should the op compute the gradient of <paramref name="t"/>?</summary>
    public bool Needs(Tensor t) => t.NeedsGrad;

    /// <summary>Adds <paramref name="grad"/> (same element count as <paramref name="input"/>) to the input's gradient.</summary>
    public void Add(Tensor input, Tensor grad)
    {
        if (!input.NeedsGrad) return;
        if (grad.Count != input.Count)
            throw new InvalidOperationException($"gradient {Tensor.ShapeString(grad.Shape)} does not match input {Tensor.ShapeString(input.Shape)}");
        var own = grad.View(input.Shape).KeepAlive();
        if (_grads.TryGetValue(input, out var existing))
        {
            var sum = Tensor.Empty(input.Shape, input.Device).KeepAlive();
            input.B.Binary(BinaryOp.Add, existing.Buffer, own.Buffer, sum.Buffer, sum.Count);
            existing.Dispose();
            own.Dispose();
            own = sum;
        }
        _grads[input] = own;
    }

    internal Tensor? Take(Tensor t)
    {
        if (_grads.Remove(t, out var g)) return g;
        return null;
    }

    internal void DisposeAll()
    {
        foreach (var g in _grads.Values) g.Dispose();
        _grads.Clear();
    }
}
