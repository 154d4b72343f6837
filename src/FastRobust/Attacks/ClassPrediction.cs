using System.Globalization;

namespace FastRobust.Attacks;

/// <summary>A model's predicted class for one image and its softmax probability, as the pictures caption it.</summary>
public readonly record struct ClassPrediction(int Class, double Probability)
{
    /// <summary>The arg-max class (first on ties) and its softmax probability, computed in double.</summary>
    public static ClassPrediction FromLogits(ReadOnlySpan<float> logits)
    {
        int best = 0;
        for (int j = 1; j < logits.Length; j++) if (logits[j] > logits[best]) best = j;
        double sum = 0;
        foreach (float l in logits) sum += Math.Exp((double)l - logits[best]);
        return new ClassPrediction(best, 1 / sum);
    }

    /// <summary>Each row of logits [N, K].</summary>
    public static ClassPrediction[] FromLogits(float[] logits, int classes)
    {
        var result = new ClassPrediction[logits.Length / classes];
        for (int i = 0; i < result.Length; i++) result[i] = FromLogits(logits.AsSpan(i * classes, classes));
        return result;
    }

    /// <summary>The caption under a tile: "cat (0.93)".</summary>
    public string Caption(IReadOnlyList<string> classNames) =>
        $"{classNames[Class]} ({Probability.ToString("0.00", CultureInfo.InvariantCulture)})";
}
