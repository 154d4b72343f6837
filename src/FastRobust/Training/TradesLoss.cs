using FastRobust.Autograd;
using FastRobust.Tensors;

namespace FastRobust.Training;

/// <summary>
/// TRADES' objective (Zhang et al. 2019, their trades.py): CE(f(x), y) + β·(1/N)·Σ_i KL(softmax f(x_i) ‖ softmax f(x'_i)),
/// i.e. PyTorch's KLDivLoss(log_softmax(f(x')), softmax(f(x)), reduction sum) / N. Gradients flow through both
/// logits. For an ensemble ([E, N, K] logits) the terms are summed over the members, as the cross-entropy is.
/// </summary>
public static class TradesLoss
{
    /// <summary>The total loss [1] and its KL term [1] (without β), both on the tape.</summary>
    public static (Tensor Total, Tensor Kl) Compute(Tensor cleanLogits, Tensor advLogits, IntTensor y, float beta, float labelSmoothing = 0f)
    {
        int n = y.Length;
        var ce = Ops.CrossEntropy(cleanLogits, y, Reduction.Mean, labelSmoothing);
        var lp = Ops.LogSoftmax(cleanLogits);
        var lq = Ops.LogSoftmax(advLogits);
        var kl = Ops.MulScalar(Ops.Sum(Ops.Mul(Ops.Exp(lp), Ops.Sub(lp, lq))), 1f / n);
        return (Ops.Add(ce, Ops.MulScalar(kl, beta)), kl);
    }
}
