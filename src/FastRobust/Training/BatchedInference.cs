using FastRobust.Autograd;
using FastRobust.Nn;
using FastRobust.Tensors;
using FastRobust.Util;

namespace FastRobust.Training;

/// <summary>
/// Runs a model (eval mode) over a host array of images in batches: logits, input gradients, accuracy and loss.
/// In eval mode every sample is independent of the others, so batching changes nothing but speed.
/// </summary>
public static class BatchedInference
{
    /// <summary>Checks that images [N, C, H, W] fit the model and says which file is wrong when they do not.</summary>
    public static void CheckShape(Model model, int[] shape, string source)
    {
        var want = model.Spec.Input;
        if (shape.Length != 4 || shape[1] != want[0] || shape[2] != want[1] || shape[3] != want[2])
            throw new InputException($"{source}: images of shape {Tensor.ShapeString(shape)}, but the model takes [N, {want[0]}, {want[1]}, {want[2]}]");
    }

    /// <summary>Logits [N, classes] as a flat array.</summary>
    public static float[] Logits(Model model, float[] images, int n, int batch)
    {
        int imageSize = model.Spec.Input.Aggregate(1, (a, b) => a * b), k = model.Spec.Classes;
        var result = new float[(long)n * k];
        using var _ = GradMode.NoGrad();
        for (int start = 0; start < n; start += batch)
        {
            int b = Math.Min(batch, n - start);
            using var scope = new TensorScope();
            var x = Tensor.FromArray(images.AsSpan(start * imageSize, b * imageSize), [b, .. model.Spec.Input], model.Device);
            var logits = model.Forward(x);
            model.Device.Backend.Download(logits.Buffer, 0, result.AsSpan(start * k, b * k));
        }
        return result;
    }

    /// <summary>∂(Σ over all samples of cross-entropy)/∂x, the shape of the images; weight gradients are not computed.</summary>
    public static float[] LossInputGradient(Model model, float[] images, int[] labels, int batch)
    {
        int n = labels.Length, imageSize = model.Spec.Input.Aggregate(1, (a, b) => a * b);
        CheckLabels(model, labels, "labels");
        var result = new float[(long)n * imageSize];
        model.SetRequiresGrad(false);
        for (int start = 0; start < n; start += batch)
        {
            int b = Math.Min(batch, n - start);
            using var scope = new TensorScope();
            var x = Tensor.FromArray(images.AsSpan(start * imageSize, b * imageSize), [b, .. model.Spec.Input], model.Device);
            x.RequiresGrad = true;
            using var y = IntTensor.FromArray(labels.AsSpan(start, b), model.Device);
            var loss = Ops.CrossEntropy(model.Forward(x), y, Reduction.Sum);
            Tape.Backward(loss);
            model.Device.Backend.Download(x.Grad!.Buffer, 0, result.AsSpan(start * imageSize, b * imageSize));
            x.Grad.Dispose();
        }
        return result;
    }

    public static void CheckLabels(Model model, int[] labels, string source)
    {
        for (int i = 0; i < labels.Length; i++)
            if (labels[i] < 0 || labels[i] >= model.Spec.Classes)
                throw new InputException($"{source}: label {labels[i]} at index {i} is outside the model's {model.Spec.Classes} classes");
    }

    /// <summary>Accuracy and mean cross-entropy over a labelled set.</summary>
    public static (double Accuracy, double Loss) Evaluate(Model model, float[] images, int[] labels, int batch)
    {
        CheckLabels(model, labels, "labels");
        var logits = Logits(model, images, labels.Length, batch);
        int k = model.Spec.Classes;
        long correct = 0;
        double loss = 0;
        for (int i = 0; i < labels.Length; i++)
        {
            var row = logits.AsSpan(i * k, k);
            int best = 0;
            double max = row[0];
            for (int j = 1; j < k; j++) if (row[j] > row[best]) best = j;
            max = row[best];
            double sum = 0;
            for (int j = 0; j < k; j++) sum += Math.Exp(row[j] - max);
            loss += max + Math.Log(sum) - row[labels[i]];
            if (best == labels[i]) correct++;
        }
        int n = Math.Max(1, labels.Length);
        return ((double)correct / n, loss / n);
    }
}
