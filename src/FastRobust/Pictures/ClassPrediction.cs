using System.Globalization;
using FastRobust.Nn;
using FastRobust.Training;

namespace FastRobust.Pictures;

/// <summary>A model's predicted class for one image and its softmax probability.</summary>
public readonly record struct ClassPrediction(int Class, double Probability)
{
    /// <summary>The prediction of each of the first <paramref name="n"/> images (eval mode, batched).</summary>
    public static ClassPrediction[] Of(Model model, float[] images, int n, int batch = 128)
    {
        var logits = BatchedInference.Logits(model, images, n, batch);
        int k = model.Spec.Classes;
        var result = new ClassPrediction[n];
        for (int i = 0; i < n; i++) result[i] = FromLogits(logits.AsSpan(i * k, k));
        return result;
    }

    /// <summary>The arg-max class (first on ties) and its softmax probability, computed in double.</summary>
    public static ClassPrediction FromLogits(ReadOnlySpan<float> logits)
    {
        int best = 0;
        for (int j = 1; j < logits.Length; j++) if (logits[j] > logits[best]) best = j;
        double sum = 0;
        foreach (float l in logits) sum += Math.Exp((double)l - logits[best]);
        return new ClassPrediction(best, 1 / sum);
    }

    /// <summary>The caption under a tile: "cat (0.93)".</summary>
    public string Caption(IReadOnlyList<string> classNames) =>
        $"{classNames[Class]} ({Probability.ToString("0.00", CultureInfo.InvariantCulture)})";
}
