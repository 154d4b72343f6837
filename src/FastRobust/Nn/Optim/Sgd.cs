using FastRobust.Tensors;

namespace FastRobust.Nn.Optim;

/// <summary>
/// torch.optim.SGD: d = g + λp; with momentum μ: b = d on the first step, else μb + (1 − τ)d; d = d + μb
/// (Nesterov) or b; p ← p − lr·d.
/// </summary>
public sealed class Sgd(IEnumerable<Parameter> parameters, float lr, float momentum = 0f, float weightDecay = 0f,
    bool nesterov = false, float dampening = 0f) : Optimizer(parameters, lr)
{
    private readonly HashSet<Parameter> _started = new();

    public float Momentum { get; } = momentum;

    protected override void Update(Parameter p, Tensor value, Tensor grad, long offset, long n)
    {
        Tensor? buf = Momentum != 0f ? State.Get(p, "sgd.momentum") : null;
        bool first = _started.Add(p);
        value.Device.Backend.SgdStep(value.Buffer, grad.Buffer, buf?.Buffer, offset, n, Lr, Momentum, dampening, weightDecay, nesterov, first);
    }
}
