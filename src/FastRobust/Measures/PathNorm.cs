using FastRobust.Nn;
using FastRobust.Nn.Layers;
using FastRobust.Tensors;

namespace FastRobust.Measures;

/// <summary>
/// The path norm of Jiang et al. 2020 eq. 44 (after Neyshabur et al. 2015): Σ_i f_{w²}(1)[i], the network with every
/// folded weight squared run on an all-ones input and its outputs summed. The normalize layer is data
/// preprocessing, not a weight, so it is left out; an unfolded batch norm counts as a diagonal layer with its scale
/// squared; pooling and activations are kept as they are (as the port runs the model itself). Biases count as
/// paths from a constant unit only when asked (the port squares them too; docs/measures.md).
/// </summary>
public static class PathNorm
{
    public static double Compute(Model model, FoldedNetwork folded, bool includeBiases)
    {
        var spec = model.Spec;
        var layers = new List<LayerSpec>();
        var values = new Dictionary<string, float[]>();
        var byIndex = folded.Layers.ToDictionary(l => l.Index);
        var foldedBn = folded.Layers.Where(l => l.FoldedBatchNorm >= 0).Select(l => l.FoldedBatchNorm).ToHashSet();
        for (int i = 0; i < spec.Layers.Count; i++)
        {
            var l = spec.Layers[i];
            if (l.Type == "normalize" || foldedBn.Contains(i)) continue;
            int j = layers.Count;
            if (byIndex.TryGetValue(i, out var wl))
            {
                layers.Add(l with { Bias = true });
                values[$"{j}.weight"] = Array.ConvertAll(wl.Weight, v => (float)(v * v));
                values[$"{j}.bias"] = Array.ConvertAll(wl.Bias, v => includeBiases ? (float)(v * v) : 0f);
            }
            else if (folded.UnfoldedScales.TryGetValue(i, out var bn))
            {
                layers.Add(l);
                values[$"{j}.weight"] = Array.ConvertAll(bn.Scale, v => (float)(v * v));
                values[$"{j}.bias"] = Array.ConvertAll(bn.Shift, v => includeBiases ? (float)(v * v) : 0f);
                values[$"{j}.running_mean"] = new float[bn.Scale.Length];
                values[$"{j}.running_var"] = Enumerable.Repeat(1f - BatchNormLayer.Eps, bn.Scale.Length).ToArray();
            }
            else layers.Add(l);
        }
        var squaredSpec = new ModelSpec(spec.Input, spec.Classes, layers);
        using var squared = Model.Create(squaredSpec, Device.Cpu, 0);
        foreach (var p in squared.Parameters) Device.Cpu.Backend.Upload(values[p.Name], p.Value.Buffer);
        using var _ = GradMode.NoGrad();
        using var scope = new TensorScope();
        var ones = Tensor.Ones([1, .. spec.Input], Device.Cpu);
        var outputs = squared.Forward(ones).ToArray();
        return outputs.Sum(v => (double)v);
    }
}
