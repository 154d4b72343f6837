using FastRobust.Autograd;
using FastRobust.Data;
using FastRobust.Nn;
using FastRobust.Random;
using FastRobust.Tensors;
using FastRobust.Util;

namespace FastRobust.DataRobustness;

/// <summary>
/// D_R of Ilyas et al. (2019): each training image's robust features. Starting from another training image chosen
/// at random, gradient descent in input space (steps of length α along the L2-normalised gradient, clipped to
/// [0, 1]) makes a robust model's representation of the image match the original's; the result keeps the
/// original's label. The representation is the input of the model's last linear layer unless a layer is given.
/// The loss is ‖g(x) − g(x_orig)‖²₂ per image; its normalised gradient is that of the paper's ‖·‖₂.
/// </summary>
public static class RobustFeatures
{
    /// <summary>The paper's settings: 1000 steps of 0.1.</summary>
    public const int DefaultSteps = 1000;
    public const float DefaultStepSize = 0.1f;

    public const ulong Stream = 0x5246_4541_5400_0000UL; // "RFEAT"

    /// <summary>Index of the layer whose input is the representation: by default the last linear layer.</summary>
    public static int DefaultLayer(Model model)
    {
        for (int i = model.Layers.Count - 1; i >= 0; i--)
            if (model.Layers[i].Spec.Type == "linear") return i;
        throw new InputException("the robust model has no linear layer: name the representation layer with --layer");
    }

    /// <summary>The output of layers [0, layer) for images x, recorded on the tape when x requires its gradient.</summary>
    public static Tensor Representation(Model model, Tensor x, int layer)
    {
        var h = x;
        for (int i = 0; i < layer; i++) h = model.Layers[i].Forward(h, ForwardContext.Eval);
        return h;
    }

    /// <summary>The starting image of image i: another image of the set, uniform (Philox keyed by i).</summary>
    public static int StartIndex(int i, int n, ulong seed)
    {
        if (n < 2) return i;
        int j = Philox.Below(Philox.Lane(seed, Stream, (ulong)i, 0), n - 1);
        return j >= i ? j + 1 : j;
    }

    /// <summary>Builds D_R; returns the set and the mean matching loss before the first step and after the last.</summary>
    public static (Dataset Data, double LossBefore, double LossAfter) Build(Model model, Dataset source, int layer, int steps, float alpha, ulong seed,
        int chunk = 256, Action<int, int>? progress = null)
    {
        if (layer < 1 || layer > model.Layers.Count) throw new InputException($"--layer {layer}: the model has layers 0 … {model.Layers.Count - 1}");
        int d = source.ImageSize, n = source.N;
        var result = new float[source.Images.Length];
        double before = 0, after = 0;
        model.SetRequiresGrad(false);
        for (int start = 0; start < n; start += chunk)
        {
            int m = Math.Min(chunk, n - start);
            float[] target;
            using (new TensorScope())
            using (GradMode.NoGrad())
                target = Representation(model, Tensor.FromArray(source.Images.AsSpan(start * d, m * d), [m, source.C, source.H, source.W], model.Device), layer).ToArray();
            var x = new float[m * d];
            for (int i = 0; i < m; i++)
                source.Image(StartIndex(start + i, n, seed)).CopyTo(x.AsSpan(i * d, d));
            var losses = new double[m];
            for (int s = 0; s <= steps; s++)
            {
                float[] grad;
                using (new TensorScope())
                {
                    var xt = Tensor.FromArray(x, [m, source.C, source.H, source.W], model.Device);
                    xt.RequiresGrad = true;
                    var rep = Representation(model, xt, layer);
                    var diff = Ops.Sub(rep, Tensor.FromArray(target, rep.Shape, model.Device));
                    var perImage = Ops.SumRows(Ops.Square(Ops.Reshape(diff, [m, (int)(diff.Count / m)])));
                    var rows = perImage.ToArray();
                    for (int i = 0; i < m; i++) losses[i] = rows[i];
                    if (s == steps) break;
                    Tape.Backward(Ops.Sum(perImage));
                    grad = xt.Grad!.ToArray();
                }
                if (s == 0) before += losses.Sum();
                for (int i = 0; i < m; i++)
                {
                    var g = grad.AsSpan(i * d, d);
                    double norm = 0;
                    foreach (float v in g) norm += (double)v * v;
                    float scale = norm > 0 ? (float)(alpha / Math.Sqrt(norm)) : 0f;
                    var xi = x.AsSpan(i * d, d);
                    for (int j = 0; j < d; j++) xi[j] = Math.Clamp(xi[j] - scale * g[j], 0f, 1f);
                }
            }
            if (steps == 0) before += losses.Sum();
            after += losses.Sum();
            x.CopyTo(result.AsSpan(start * d, m * d));
            progress?.Invoke(start + m, n);
        }
        return (new Dataset($"D_R of {source.Name}", result, source.Labels.ToArray(), source.C, source.H, source.W, source.Classes), before / n, after / n);
    }
}
