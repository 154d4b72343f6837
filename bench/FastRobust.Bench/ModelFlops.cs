using FastRobust.Nn;

namespace FastRobust.Bench;

/// <summary>
/// Multiply-add work of a model, counted as 2 FLOPs per multiply-add in the convolutions and linear layers only
/// (activations, pools, the loss and the optimizer are a few percent of the total and are left out, so a
/// GFLOP/s figure is a slight under-count of what the machine did).
/// </summary>
public static class ModelFlops
{
    /// <summary>FLOPs of each weighted layer's forward pass on one image, in layer order.</summary>
    public static IReadOnlyList<double> ForwardPerImage(ModelSpec spec)
    {
        var list = new List<double>();
        for (int i = 0; i < spec.Layers.Count; i++)
        {
            var l = spec.Layers[i];
            int[] s = spec.Shapes[i];
            switch (l.Type)
            {
                case "conv2d":
                {
                    int stride = l.Stride ?? 1;
                    int oh = (s[1] + 2 * l.Padding - l.Kernel) / stride + 1;
                    int ow = (s[2] + 2 * l.Padding - l.Kernel) / stride + 1;
                    list.Add(2.0 * l.Out * oh * ow * s[0] * l.Kernel * l.Kernel);
                    break;
                }
                case "linear":
                    list.Add(2.0 * s[0] * l.Out);
                    break;
            }
        }
        return list;
    }

    /// <summary>Inference: one forward pass.</summary>
    public static double Forward(ModelSpec spec, int images) => images * ForwardPerImage(spec).Sum();

    /// <summary>A training step: forward, gradients of the weights of every layer and of the data of all but the first.</summary>
    public static double TrainStep(ModelSpec spec, int images)
    {
        var f = ForwardPerImage(spec);
        return images * (3 * f.Sum() - f[0]);
    }

    /// <summary>An attack step: forward, then gradients of the data only, down to the input image.</summary>
    public static double InputGradient(ModelSpec spec, int images) => images * 2 * ForwardPerImage(spec).Sum();
}
