using FastRobust.Tensors;

namespace FastRobust.Autograd;

public enum Reduction { Mean, Sum, None }

public static partial class Ops
{
    /// <summary>
    /// Softmax cross-entropy of logits [N, K] or [E, N, K] against labels [N], with PyTorch's label smoothing.
    /// Mean: the mean over the N samples, summed over the E members (so each member gets exactly the gradient it
    /// would get alone); Sum: the sum of all; None: the per-sample losses, [N] or [E·N].
    /// </summary>
    public static Tensor CrossEntropy(Tensor logits, IntTensor labels, Reduction reduction = Reduction.Mean, float smoothing = 0f)
    {
        if (logits.Device != labels.Device) throw new ArgumentException($"cross-entropy: logits on {logits.Device}, labels on {labels.Device}");
        if (logits.Rank is not (2 or 3)) throw new ArgumentException($"cross-entropy: logits {Tensor.ShapeString(logits.Shape)} must be [N, K] or [E, N, K]");
        int k = logits.Shape[^1], n = logits.Shape[^2];
        int rows = (int)(logits.Count / k);
        if (labels.Length != n) throw new ArgumentException($"cross-entropy: {labels.Length} labels for {n} samples");
        if (smoothing < 0f || smoothing > 1f) throw new ArgumentOutOfRangeException(nameof(smoothing), smoothing, "label smoothing must be in [0, 1]");
        var losses = Tensor.Empty([rows], logits.Device);
        var probs = Like(logits);
        var be = logits.B;
        be.SoftmaxCrossEntropyForward(logits.Buffer, labels.Buffer, losses.Buffer, probs.Buffer, rows, k, n, smoothing);
        var perSample = Tape.Record(losses, "cross-entropy", [logits], (g, sink) =>
        {
            var dl = Like(logits);
            be.SoftmaxCrossEntropyBackward(probs.Buffer, labels.Buffer, g.Buffer, dl.Buffer, rows, k, n, smoothing);
            sink.Add(logits, dl);
        });
        return reduction switch
        {
            Reduction.None => perSample,
            Reduction.Sum => Sum(perSample),
            _ => MulScalar(Sum(perSample), 1f / n),
        };
    }

    /// <summary>Softmax over the last dimension (no gradient).</summary>
    public static Tensor Softmax(Tensor logits)
    {
        int k = logits.Shape[^1];
        var y = Like(logits);
        logits.B.Softmax(logits.Buffer, y.Buffer, (int)(logits.Count / k), k);
        return y;
    }
}
