namespace FastRobust.Measures;

/// <summary>
/// Performance and uncertainty of a classifier from its logits on a labelled set, computed in float64:
/// accuracy, per-class and macro precision / recall / F1, the confusion matrix, log-loss, Brier score, expected
/// calibration error, mean predictive entropy and the output margin. Definitions: docs/measures.md.
/// </summary>
public static class PerformanceMeasures
{
    public const string Group = "performance";

    /// <summary>Per-sample margins: the correct logit minus the largest other logit (negative when misclassified).</summary>
    public static double[] Margins(ReadOnlySpan<float> logits, ReadOnlySpan<int> labels, int classes)
    {
        var m = new double[labels.Length];
        for (int i = 0; i < labels.Length; i++)
        {
            var row = logits.Slice(i * classes, classes);
            double other = double.NegativeInfinity;
            for (int k = 0; k < classes; k++) if (k != labels[i] && row[k] > other) other = row[k];
            m[i] = row[labels[i]] - other;
        }
        return m;
    }

    /// <summary>
    /// The k-th smallest value with k = max(1, ⌊n·p/100⌋): for p = 10 exactly torch.kthvalue(margins, n // 10), the
    /// γ of the public port of Jiang et al. (who take "the 10th percentile of the margins").
    /// </summary>
    public static double LowerPercentile(double[] values, double percent)
    {
        if (values.Length == 0) return double.NaN;
        var sorted = (double[])values.Clone();
        Array.Sort(sorted);
        int k = Math.Max(1, (int)Math.Floor(values.Length * percent / 100.0));
        return sorted[Math.Min(k, values.Length) - 1];
    }

    public static void Compute(MeasureResults into, ReadOnlySpan<float> logits, int[] labels, int classes, MeasureOptions o, string options)
    {
        int n = labels.Length;
        var confusion = new long[classes, classes];
        double logLoss = 0, brier = 0, entropy = 0;
        var binCount = new long[o.EceBins];
        var binConf = new double[o.EceBins];
        var binCorrect = new double[o.EceBins];
        var p = new double[classes];
        for (int i = 0; i < n; i++)
        {
            var row = logits.Slice(i * classes, classes);
            int best = 0;
            for (int k = 1; k < classes; k++) if (row[k] > row[best]) best = k;
            double max = row[best], sum = 0;
            for (int k = 0; k < classes; k++) sum += p[k] = Math.Exp(row[k] - max);
            double logSum = Math.Log(sum);
            int y = labels[i];
            confusion[y, best]++;
            logLoss += logSum - (row[y] - max);
            for (int k = 0; k < classes; k++)
            {
                p[k] /= sum;
                double t = (k == y ? 1 : 0) - p[k];
                brier += t * t;
                if (p[k] > 0) entropy -= p[k] * ((row[k] - max) - logSum);
            }
            double conf = p[best];
            // bins (b/B, (b+1)/B]: Guo et al.'s convention
            int bin = Math.Clamp((int)Math.Ceiling(conf * o.EceBins) - 1, 0, o.EceBins - 1);
            binCount[bin]++;
            binConf[bin] += conf;
            binCorrect[bin] += best == y ? 1 : 0;
        }
        double nn = Math.Max(1, n);
        long correct = 0;
        for (int k = 0; k < classes; k++) correct += confusion[k, k];
        double ece = 0;
        for (int b = 0; b < o.EceBins; b++)
            if (binCount[b] > 0) ece += binCount[b] / nn * Math.Abs(binCorrect[b] / binCount[b] - binConf[b] / binCount[b]);

        void Add(string name, double v, string reference = "") => into.Add(name, v, Group, reference, options);
        Add("accuracy", correct / nn);
        Add("error", 1 - correct / nn);
        var precision = new double[classes];
        var recall = new double[classes];
        var f1 = new double[classes];
        for (int k = 0; k < classes; k++)
        {
            long tp = confusion[k, k], predicted = 0, actual = 0;
            for (int j = 0; j < classes; j++) { predicted += confusion[j, k]; actual += confusion[k, j]; }
            precision[k] = predicted == 0 ? 0 : (double)tp / predicted;
            recall[k] = actual == 0 ? 0 : (double)tp / actual;
            f1[k] = precision[k] + recall[k] == 0 ? 0 : 2 * precision[k] * recall[k] / (precision[k] + recall[k]);
        }
        Add("macro_precision", precision.Average());
        Add("macro_recall", recall.Average());
        Add("macro_f1", f1.Average());
        Add("log_loss", logLoss / nn);
        Add("brier", brier / nn, "Brier 1950, summed over classes");
        Add("ece", ece, $"Guo et al. 2017, {o.EceBins} equal-width bins");
        Add("mean_entropy", entropy / nn, "nats");
        var margins = Margins(logits, labels, classes);
        Add("margin_mean", n == 0 ? double.NaN : margins.Average());
        Add($"margin_p{o.MarginPercentile:0.##}", LowerPercentile(margins, o.MarginPercentile), "γ of Jiang et al. 2020 (sec. 3)");
        for (int k = 0; k < classes; k++)
        {
            Add($"precision.class{k}", precision[k]);
            Add($"recall.class{k}", recall[k]);
            Add($"f1.class{k}", f1[k]);
        }
        for (int t = 0; t < classes; t++)
            for (int q = 0; q < classes; q++)
                Add($"confusion.true{t}.pred{q}", confusion[t, q]);
    }
}
