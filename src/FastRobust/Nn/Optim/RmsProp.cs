using FastRobust.Tensors;

namespace FastRobust.Nn.Optim;

/// <summary>
/// torch.optim.RMSprop (not centered): g += λp; s = αs + (1 − α)g²; with momentum μ: b = μb + g/(√s + ε),
/// p ← p − lr·b; else p ← p − lr·g/(√s + ε).
/// </summary>
public sealed class RmsProp(IEnumerable<Parameter> parameters, float lr, float alpha = 0.99f, float eps = 1e-8f,
    float weightDecay = 0f, float momentum = 0f) : Optimizer(parameters, lr)
{
    protected override void Update(Parameter p, Tensor value, Tensor grad, long offset, long n)
    {
        var buf = momentum > 0f ? State.Get(p, "rmsprop.momentum") : null;
        value.Device.Backend.RmspropStep(value.Buffer, grad.Buffer, State.Get(p, "rmsprop.sq").Buffer, buf?.Buffer, offset, n, Lr, alpha, eps, weightDecay, momentum);
    }
}
