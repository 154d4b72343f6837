using FastRobust.Autograd;
using FastRobust.Tensors;

namespace FastRobust.Nn.Layers;

/// <summary>(x − mean[c]) / std[c] inside the model, so attacks work in [0, 1] pixel space.</summary>
public sealed class NormalizeLayer : Layer
{
    private readonly Tensor _scale, _shift;

    public NormalizeLayer(int index, LayerSpec spec, Device device) : base(index, spec)
    {
        var scale = spec.Std!.Select(s => 1f / s).ToArray();
        var shift = spec.Mean!.Select((m, i) => -m / spec.Std![i]).ToArray();
        _scale = Tensor.FromArray(scale, [scale.Length], device).KeepAlive();
        _shift = Tensor.FromArray(shift, [shift.Length], device).KeepAlive();
    }

    public override Tensor Forward(Tensor x, ForwardContext ctx) => Ops.ChannelAffine(x, _scale, _shift);
}
