using FastRobust.Attacks;
using FastRobust.Nn;
using FastRobust.Training;

namespace FastRobust.Pictures;

/// <summary>The predictions the pictures caption their tiles with.</summary>
public static class Predictions
{
    /// <summary>The prediction of each of the first <paramref name="n"/> images (eval mode, batched).</summary>
    public static ClassPrediction[] Of(Model model, float[] images, int n, int batch = 128) =>
        ClassPrediction.FromLogits(BatchedInference.Logits(model, images, n, batch), model.Spec.Classes);
}
