namespace FastRobust.Study;

/// <summary>Accuracy, mean log-loss and mean top-1 confidence of logits [N, K] against labels, in double precision.</summary>
public static class LogitStats
{
    public static (double Accuracy, double LogLoss, double MeanConfidence) Of(float[] logits, int[] labels, int classes)
    {
        int n = labels.Length;
        if (n == 0) return (double.NaN, double.NaN, double.NaN);
        long correct = 0;
        double loss = 0, confidence = 0;
        for (int i = 0; i < n; i++)
        {
            var row = logits.AsSpan(i * classes, classes);
            int best = 0;
            for (int k = 1; k < classes; k++) if (row[k] > row[best]) best = k;
            double max = row[best], sum = 0;
            for (int k = 0; k < classes; k++) sum += Math.Exp(row[k] - max);
            double lse = max + Math.Log(sum);
            loss += lse - row[labels[i]];
            confidence += 1.0 / sum;
            if (best == labels[i]) correct++;
        }
        return ((double)correct / n, loss / n, confidence / n);
    }
}
