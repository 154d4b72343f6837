using FastRobust.Autograd;
using FastRobust.Tensors;

namespace FastRobust.Nn.Layers;

public sealed class ReluLayer(int index, LayerSpec spec) : Layer(index, spec)
{
    public override Tensor Forward(Tensor x, ForwardContext ctx) => Ops.Relu(x);
}

public sealed class GeluLayer(int index, LayerSpec spec) : Layer(index, spec)
{
    public override Tensor Forward(Tensor x, ForwardContext ctx) => Ops.Gelu(x);
}

public sealed class MaxPoolLayer(int index, LayerSpec spec) : Layer(index, spec)
{
    public override Tensor Forward(Tensor x, ForwardContext ctx) => Ops.MaxPool2d(x, Spec.Kernel, Spec.Stride, Spec.Padding);
}

public sealed class AvgPoolLayer(int index, LayerSpec spec) : Layer(index, spec)
{
    public override Tensor Forward(Tensor x, ForwardContext ctx) => Ops.AvgPool2d(x, Spec.Kernel);
}

public sealed class GlobalAvgPoolLayer(int index, LayerSpec spec) : Layer(index, spec)
{
    public override Tensor Forward(Tensor x, ForwardContext ctx) => Ops.GlobalAvgPool(x);
}

/// <summary>Flattens each sample; an ensemble activation [E, N, ...] keeps E and N.</summary>
public sealed class FlattenLayer(int index, LayerSpec spec) : Layer(index, spec)
{
    public override Tensor Forward(Tensor x, ForwardContext ctx) =>
        x.Rank <= 2 ? x : Ops.Flatten(x, IsEnsembleImage(x) ? 2 : 1);
}

public sealed class DropoutLayer(int index, LayerSpec spec) : Layer(index, spec)
{
    public override Tensor Forward(Tensor x, ForwardContext ctx)
    {
        if (!ctx.Training || Spec.P == 0f) return x;
        var rng = ctx.Rng ?? throw new InvalidOperationException("dropout in training mode needs a random stream");
        return Ops.Dropout(x, Spec.P, true, rng, ctx.SharedDropoutMembers);
    }
}
