using FastRobust.Autograd;
using FastRobust.Tensors;

namespace FastRobust.Nn.Layers;

public sealed class Conv2dLayer(int index, LayerSpec spec, Parameter weight, Parameter? bias) : Layer(index, spec)
{
    public Parameter Weight { get; } = weight;
    public Parameter? Bias { get; } = bias;

    public override IReadOnlyList<Parameter> Parameters => Bias is null ? [Weight] : [Weight, Bias];

    public override Tensor Forward(Tensor x, ForwardContext ctx) =>
        Ops.Conv2d(x, Weight.Value, Bias?.Value, Spec.Stride ?? 1, Spec.Padding);

    /// <summary>This convolution and the ReLU layer after it as one op (Model.Forward fuses the pair).</summary>
    public Tensor ForwardRelu(Tensor x) => Ops.Conv2dRelu(x, Weight.Value, Bias?.Value, Spec.Stride ?? 1, Spec.Padding);
}
