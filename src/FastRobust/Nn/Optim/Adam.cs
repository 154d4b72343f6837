using FastRobust.Tensors;

namespace FastRobust.Nn.Optim;

/// <summary>
/// torch.optim.Adam (decoupled = false: g += λp) and AdamW (decoupled = true: p ← p(1 − lr·λ)):
/// m = β₁m + (1 − β₁)g, v = β₂v + (1 − β₂)g², p ← p − (lr / (1 − β₁ᵗ))·m / (√v / √(1 − β₂ᵗ) + ε).
/// </summary>
public sealed class Adam(IEnumerable<Parameter> parameters, float lr, float beta1 = 0.9f, float beta2 = 0.999f, float eps = 1e-8f,
    float weightDecay = 0f, bool decoupled = false) : Optimizer(parameters, lr)
{
    private readonly Dictionary<Parameter, int> _steps = new();

    protected override void Update(Parameter p, Tensor value, Tensor grad, long offset, long n)
    {
        int t = _steps[p] = _steps.GetValueOrDefault(p) + 1;
        value.Device.Backend.AdamStep(value.Buffer, grad.Buffer, State.Get(p, "adam.m").Buffer, State.Get(p, "adam.v").Buffer, offset, n, Lr,
            beta1, beta2, eps, weightDecay, decoupled, t);
    }
}
