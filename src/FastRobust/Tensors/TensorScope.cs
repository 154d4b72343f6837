namespace FastRobust.Tensors;

/// <summary>
/// Collects every tensor created on this thread while it is the innermost scope and disposes them at the end,
/// so a training or attack step returns all its activations to the pool without bookkeeping. Keep a tensor
/// past the scope with <see cref="Tensor.KeepAlive"/>, or hand it to the enclosing scope with <see cref="Tensor.MoveToOuterScope"/>.
/// </summary>
public sealed class TensorScope : IDisposable
{
    [ThreadStatic] private static TensorScope? _current;

    private readonly List<Tensor> _owned = new();
    private readonly TensorScope? _outer;
    private bool _disposed;

    public TensorScope()
    {
        _outer = _current;
        _current = this;
    }

    internal static TensorScope? Current => _current;

    internal TensorScope? Outer => _outer;

    internal void Register(Tensor t) => _owned.Add(t);

    internal void Unregister(Tensor t)
    {
        // tensors are usually released most-recent-first
        int i = _owned.LastIndexOf(t);
        if (i >= 0) _owned.RemoveAt(i);
    }

    public void Dispose()
    {
        if (_disposed) return;
        _disposed = true;
        for (int i = _owned.Count - 1; i >= 0; i--) _owned[i].DisposeFromScope();
        _owned.Clear();
        if (_current == this) _current = _outer;
    }
}
