using FastRobust.Autograd;
using FastRobust.Tensors;

namespace FastRobust.Nn.Layers;

public sealed class LinearLayer(int index, LayerSpec spec, Parameter weight, Parameter? bias) : Layer(index, spec)
{
    public Parameter Weight { get; } = weight;
    public Parameter? Bias { get; } = bias;

    public override IReadOnlyList<Parameter> Parameters => Bias is null ? [Weight] : [Weight, Bias];

    public override Tensor Forward(Tensor x, ForwardContext ctx) => Ops.Linear(x, Weight.Value, Bias?.Value);
}
