using ILGPU;

namespace FastRobust.Kernels;

/// <summary>Softmax and softmax cross-entropy, one thread per row (class counts are small) in grid-stride loops, in CpuBackend.Loss's arithmetic.</summary>
public static class Loss
{
    /// <summary>
    /// Per-row loss and probabilities. A label outside [0, classes) cannot throw on a device: its row's loss is NaN,
    /// which the caller's loss (a mean or sum) carries to wherever it is read.
    /// </summary>
    [Kernel]
    public static void SoftmaxCrossEntropyForward(ArrayView<float> logits, ArrayView<int> labels, ArrayView<float> losses,
        ArrayView<float> probs, int rows, int classes, int n, float smoothing)
    {
        for (int row = Stride.Start; row < rows; row += Stride.Step) CrossEntropyRow(logits, labels, losses, probs, row, classes, n, smoothing);
    }

    private static void CrossEntropyRow(ArrayView<float> logits, ArrayView<int> labels, ArrayView<float> losses,
        ArrayView<float> probs, int row, int classes, int n, float smoothing)
    {
        long start = (long)row * classes;
        float max = float.NegativeInfinity;
        for (int k = 0; k < classes; k++)
        {
            float v = logits[start + k];
            max = float.IsNaN(v) || float.IsNaN(max) ? float.NaN : v > max ? v : max;
        }
        double sum = 0, sumX = 0;
        for (int k = 0; k < classes; k++)
        {
            float v = logits[start + k];
            double ex = KMath.Exp(v - max);
            probs[start + k] = (float)ex;
            sum += ex;
            sumX += v;
        }
        float inv = (float)(1.0 / sum);
        for (int k = 0; k < classes; k++) probs[start + k] *= inv;
        double lse = max + KMath.Log(sum);
        int y = labels[row % n];
        if (y < 0 || y >= classes)
        {
            losses[row] = float.NaN;
            return;
        }
        double target = (1.0 - smoothing) * logits[start + y] + smoothing * sumX / classes;
        losses[row] = (float)(lse - target);
    }

    /// <summary>dlogits[r, k] = dloss[r]·(p[r, k] − target[r, k]); one thread per element.</summary>
    [Kernel]
    public static void SoftmaxCrossEntropyBackward(ArrayView<float> probs, ArrayView<int> labels, ArrayView<float> dlosses,
        ArrayView<float> dlogits, int count, int classes, int n, float on, float off)
    {
        for (int i = Stride.Start; i < count; i += Stride.Step)
        {
            int row = i / classes, k = i - row * classes;
            int y = labels[row % n];
            dlogits[i] = dlosses[row] * (probs[i] - (k == y ? on : off));
        }
    }

    [Kernel]
    public static void Softmax(ArrayView<float> x, ArrayView<float> y, int rows, int classes)
    {
        for (int row = Stride.Start; row < rows; row += Stride.Step) SoftmaxRow(x, y, (long)row * classes, classes);
    }

    private static void SoftmaxRow(ArrayView<float> x, ArrayView<float> y, long start, int classes)
    {
        float max = float.NegativeInfinity;
        for (int k = 0; k < classes; k++)
        {
            float v = x[start + k];
            max = float.IsNaN(v) || float.IsNaN(max) ? float.NaN : v > max ? v : max;
        }
        double sum = 0;
        for (int k = 0; k < classes; k++)
        {
            float ex = KMath.ExpF(x[start + k] - max);
            y[start + k] = ex;
            sum += ex;
        }
        float inv = (float)(1.0 / sum);
        for (int k = 0; k < classes; k++) y[start + k] *= inv;
    }
}
