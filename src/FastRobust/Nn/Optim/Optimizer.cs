using FastRobust.Tensors;
using FastRobust.Util;

namespace FastRobust.Nn.Optim;

/// <summary>
/// Updates trainable parameters from their .Grad with one fused backend kernel per tensor. The learning rate is
/// set each step by the caller's schedule. Formulas follow torch.optim (see each subclass).
/// </summary>
public abstract class Optimizer
{
    protected Optimizer(IEnumerable<Parameter> parameters, float lr)
    {
        Params = parameters.Where(p => p.Trainable).ToList();
        Lr = lr;
        BaseLr = lr;
    }

    public IReadOnlyList<Parameter> Params { get; }
    public float Lr { get; set; }
    public float BaseLr { get; }
    public int StepCount { get; private set; }

    public void Step()
    {
        StepCount++;
        foreach (var p in Params)
        {
            var g = p.Value.Grad;
            if (g is null) continue;
            Update(p, p.Value, g);
        }
    }

    /// <summary>Drops the gradients (PyTorch's zero_grad(set_to_none=True)); their memory returns to the pool.</summary>
    public void ZeroGrad()
    {
        foreach (var p in Params)
        {
            p.Value.Grad?.Dispose();
            p.Value.Grad = null;
        }
    }

    protected abstract void Update(Parameter p, Tensor value, Tensor grad);

    protected static Tensor State(Dictionary<Parameter, Tensor> states, Parameter p)
    {
        if (!states.TryGetValue(p, out var t))
            states[p] = t = Tensor.Zeros(p.Value.Shape, p.Value.Device).KeepAlive();
        return t;
    }

    public static Optimizer Create(string name, IEnumerable<Parameter> parameters, float lr, float momentum, float weightDecay, bool nesterov) =>
        name switch
        {
            "sgd" => new Sgd(parameters, lr, momentum, weightDecay, nesterov),
            "adam" => new Adam(parameters, lr, weightDecay: weightDecay, decoupled: false),
            "adamw" => new Adam(parameters, lr, weightDecay: weightDecay, decoupled: true),
            "rmsprop" => new RmsProp(parameters, lr, weightDecay: weightDecay, momentum: momentum),
            _ => throw new InputException($"unknown optimizer '{name}' (expected sgd, adam, adamw or rmsprop)"),
        };
}
