using FastRobust.Autograd;
using FastRobust.Nn;
using FastRobust.Tensors;

namespace FastRobust.Attacks;

/// <summary>Forward passes and input gradients for attacks: the model stays in eval mode and weights get no gradient.</summary>
internal static class InputGradient
{
    /// <summary>
    /// Logits [n, K], per-sample cross-entropy against <paramref name="goal"/> [n] and its gradient with respect
    /// to x (the sum over samples, so each sample's gradient is its own). Logits and losses belong to the current
    /// scope; the caller disposes the gradient.
    /// </summary>
    public static (Tensor Logits, Tensor Losses, Tensor Grad) CrossEntropy(Model model, Tensor x, IntTensor goal)
    {
        var leaf = x.Detach();
        leaf.RequiresGrad = true;
        var logits = model.Forward(leaf);
        var losses = Ops.CrossEntropy(logits, goal, Reduction.None);
        Tape.Backward(Ops.Sum(losses));
        var g = leaf.Grad ?? throw new InvalidOperationException("the input received no gradient");
        leaf.Grad = null;
        return (logits.Detach(), losses.Detach(), g);
    }

    /// <summary>The gradient of Σ_r ⟨logits_r, seed_r⟩ with respect to x: seed [n, K] picks logit combinations per row.</summary>
    public static (Tensor Logits, Tensor Grad) LogitCombination(Model model, Tensor x, Func<Tensor, Tensor> seedFor)
    {
        var leaf = x.Detach();
        leaf.RequiresGrad = true;
        var logits = model.Forward(leaf);
        var seed = seedFor(logits);
        Tape.Backward(logits, seed);
        var g = leaf.Grad ?? throw new InvalidOperationException("the input received no gradient");
        leaf.Grad = null;
        return (logits.Detach(), g);
    }

    /// <summary>Logits without a tape.</summary>
    public static Tensor Logits(Model model, Tensor x)
    {
        using var _ = GradMode.NoGrad();
        return model.Forward(x);
    }

    /// <summary>Argmax of each row of logits [n, K], on the host.</summary>
    public static int[] Predictions(Tensor logits)
    {
        using var idx = Ops.ArgMax(logits);
        return idx.ToArray();
    }
}
