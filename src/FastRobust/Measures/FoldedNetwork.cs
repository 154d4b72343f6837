using FastRobust.Nn;
using FastRobust.Nn.Layers;

namespace FastRobust.Measures;

/// <summary>One conv or linear layer of a <see cref="FoldedNetwork"/>: its weights (batch norm folded in) in float64.</summary>
public sealed class WeightLayer
{
    /// <summary>Index of the conv/linear layer in the spec (its PyTorch name prefix).</summary>
    public required int Index { get; init; }

    public required bool IsConv { get; init; }

    /// <summary>PyTorch layout: conv [O, C, KH, KW], linear [O, I].</summary>
    public required int[] Shape { get; init; }

    public required double[] Weight { get; init; }

    /// <summary>The folded bias (zero when the layer has none and no batch norm follows).</summary>
    public required double[] Bias { get; init; }

    /// <summary>The batch norm folded into this conv, or -1.</summary>
    public int FoldedBatchNorm { get; init; } = -1;

    /// <summary>Conv only: the per-sample input [C, H, W], stride and padding.</summary>
    public int[] Input { get; init; } = [];
    public int Stride { get; init; } = 1;
    public int Padding { get; init; }

    public int Rows => Shape[0];
    public int Cols => Weight.Length / Shape[0];
}

/// <summary>
/// The conv and linear layers of a model with every batch norm that directly follows a conv folded into it
/// (W ← W·γ/√(var + eps) per output channel, b ← β + (b − mean)·γ/√(var + eps)), as in Jiang et al. 2020 and
/// the port's <c>_reparam</c>. A batch norm with no conv right before it stays a separate per-channel scaling
/// (<see cref="UnfoldedScales"/>): it has no weight matrix of its own, so the norm measures leave it out.
/// </summary>
public sealed class FoldedNetwork
{
    public required IReadOnlyList<WeightLayer> Layers { get; init; }

    /// <summary>Batch norms that could not be folded: layer index → per-channel scale γ/√(var + eps) and shift.</summary>
    public required IReadOnlyDictionary<int, (double[] Scale, double[] Shift)> UnfoldedScales { get; init; }

    /// <summary>All folded weights (no biases) as one vector, layer by layer.</summary>
    public double[] WeightVector() => Layers.SelectMany(l => l.Weight).ToArray();

    public static FoldedNetwork From(Model model)
    {
        if (model.Members != 1) throw new ArgumentException("measures take a single model, not an ensemble");
        var layers = new List<WeightLayer>();
        var unfolded = new Dictionary<int, (double[], double[])>();
        var all = model.Layers;
        for (int i = 0; i < all.Count; i++)
        {
            switch (all[i])
            {
                case Conv2dLayer conv:
                {
                    var w = ToDouble(conv.Weight);
                    int o = conv.Weight.MemberShape[0];
                    var b = conv.Bias is null ? new double[o] : ToDouble(conv.Bias);
                    int folded = -1;
                    if (i + 1 < all.Count && all[i + 1] is BatchNormLayer bn)
                    {
                        var (scale, shift) = BatchNormAffine(bn);
                        int per = w.Length / o;
                        for (int c = 0; c < o; c++)
                        {
                            for (int j = 0; j < per; j++) w[c * per + j] *= scale[c];
                            b[c] = b[c] * scale[c] + shift[c];
                        }
                        folded = i + 1;
                    }
                    layers.Add(new WeightLayer
                    {
                        Index = i, IsConv = true, Shape = conv.Weight.MemberShape, Weight = w, Bias = b, FoldedBatchNorm = folded,
                        Input = model.Spec.Shapes[i], Stride = conv.Spec.Stride ?? 1, Padding = conv.Spec.Padding,
                    });
                    if (folded >= 0) i++;
                    break;
                }
                case LinearLayer lin:
                {
                    int o = lin.Weight.MemberShape[0];
                    layers.Add(new WeightLayer
                    {
                        Index = i, IsConv = false, Shape = lin.Weight.MemberShape, Weight = ToDouble(lin.Weight),
                        Bias = lin.Bias is null ? new double[o] : ToDouble(lin.Bias),
                    });
                    break;
                }
                case BatchNormLayer bn:
                    unfolded[i] = BatchNormAffine(bn);
                    break;
            }
        }
        return new FoldedNetwork { Layers = layers, UnfoldedScales = unfolded };
    }

    /// <summary>Eval-mode batch norm as y = x·scale + shift per channel.</summary>
    private static (double[] Scale, double[] Shift) BatchNormAffine(BatchNormLayer bn)
    {
        var g = ToDouble(bn.Weight);
        var beta = ToDouble(bn.Bias);
        var mean = ToDouble(bn.RunningMean);
        var v = ToDouble(bn.RunningVar);
        var scale = new double[g.Length];
        var shift = new double[g.Length];
        for (int c = 0; c < g.Length; c++)
        {
            scale[c] = g[c] / Math.Sqrt(v[c] + BatchNormLayer.Eps);
            shift[c] = beta[c] - mean[c] * scale[c];
        }
        return (scale, shift);
    }

    private static double[] ToDouble(Parameter p) => Array.ConvertAll(p.Value.ToArray(), v => (double)v);
}
