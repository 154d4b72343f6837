using FastRobust.Tensors;

namespace FastRobust.Nn.Optim;

/// <summary>
/// Per-element optimizer state (momentum buffers, Adam's moments), one zero-initialised tensor of the parameter's
/// full shape per (parameter, name). The optimizers of an ensemble's members share one, each touching its own slice.
/// </summary>
public sealed class OptimizerState
{
    private readonly Dictionary<(Parameter, string), Tensor> _tensors = new();

    public Tensor Get(Parameter p, string name)
    {
        if (!_tensors.TryGetValue((p, name), out var t))
            _tensors[(p, name)] = t = Tensor.Zeros(p.Value.Shape, p.Value.Device).KeepAlive();
        return t;
    }
}
