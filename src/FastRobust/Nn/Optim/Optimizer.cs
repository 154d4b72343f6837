using FastRobust.Tensors;
using FastRobust.Util;

namespace FastRobust.Nn.Optim;

/// <summary>
/// Updates trainable parameters from their .Grad with one fused backend kernel per tensor. The learning rate is
/// set each step by the caller's schedule. Formulas follow torch.optim (see each subclass).
/// An optimizer may own one member of an ensemble (<see cref="Slice"/>): it then updates that member's elements of
/// every parameter only, so each member of a zoo trained as one ensemble has its own optimizer and settings
/// (<see cref="MemberOptimizers"/>); its state tensors live in a <see cref="OptimizerState"/> shared by the members.
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

    /// <summary>The ensemble member this optimizer updates (all elements by default).</summary>
    public MemberSlice Slice { get; init; } = MemberSlice.All;

    /// <summary>Where the per-element state (momentum, moments) lives; shared by the optimizers of one ensemble's members.</summary>
    public OptimizerState State { get; init; } = new();

    public virtual void Step()
    {
        StepCount++;
        foreach (var p in Params)
        {
            var g = p.Value.Grad;
            if (g is null) continue;
            var (offset, n) = Slice.Range(p.Value.Count);
            Update(p, p.Value, g, offset, n);
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

    /// <summary>Updates elements [offset, offset + n) of the parameter (and of its state).</summary>
    protected abstract void Update(Parameter p, Tensor value, Tensor grad, long offset, long n);

    public static Optimizer Create(string name, IEnumerable<Parameter> parameters, float lr, float momentum, float weightDecay, bool nesterov) =>
        Create(name, parameters, lr, momentum, weightDecay, nesterov, MemberSlice.All, new OptimizerState());

    public static Optimizer Create(string name, IEnumerable<Parameter> parameters, float lr, float momentum, float weightDecay, bool nesterov,
        MemberSlice slice, OptimizerState state) =>
        name switch
        {
            "sgd" => new Sgd(parameters, lr, momentum, weightDecay, nesterov) { Slice = slice, State = state },
            "adam" => new Adam(parameters, lr, weightDecay: weightDecay, decoupled: false) { Slice = slice, State = state },
            "adamw" => new Adam(parameters, lr, weightDecay: weightDecay, decoupled: true) { Slice = slice, State = state },
            "rmsprop" => new RmsProp(parameters, lr, weightDecay: weightDecay, momentum: momentum) { Slice = slice, State = state },
            _ => throw new InputException($"unknown optimizer '{name}' (expected sgd, adam, adamw or rmsprop)"),
        };
}
