using FastRobust.Autograd;
using FastRobust.Tensors;

namespace FastRobust.Nn.Layers;

/// <summary>Batch norm with PyTorch's defaults: eps 1e-5, momentum 0.1, affine, tracking running statistics.</summary>
public sealed class BatchNormLayer(int index, LayerSpec spec, Parameter weight, Parameter bias, Parameter runningMean, Parameter runningVar)
    : Layer(index, spec)
{
    public const float Eps = 1e-5f;
    public const float Momentum = 0.1f;

    public Parameter Weight { get; } = weight;
    public Parameter Bias { get; } = bias;
    public Parameter RunningMean { get; } = runningMean;
    public Parameter RunningVar { get; } = runningVar;

    public override IReadOnlyList<Parameter> Parameters => [Weight, Bias, RunningMean, RunningVar];

    public override Tensor Forward(Tensor x, ForwardContext ctx) =>
        Ops.BatchNorm2d(x, Weight.Value, Bias.Value, RunningMean.Value, RunningVar.Value, ctx.Training, Momentum, Eps);
}
