using FastRobust.Autograd;
using FastRobust.Nn;
using FastRobust.Nn.Optim;
using FastRobust.Random;
using FastRobust.Tensors;

namespace FastRobust.Training;

/// <summary>One optimisation step: forward in training mode, cross-entropy, backward, update, drop gradients.</summary>
public static class TrainStep
{
    /// <summary>
    /// Runs one step and returns the loss as a device tensor [1] that outlives the step (read it only when it is
    /// printed; on a GPU reading it waits for the device). Per-member correct counts are added to
    /// <paramref name="correct"/> when given.
    /// </summary>
    public static Tensor Run(Model model, Optimizer opt, Tensor x, IntTensor y, PhiloxStream rng, float labelSmoothing = 0f,
        Tensor? correct = null)
    {
        using var scope = new TensorScope();
        var logits = model.Forward(x, new ForwardContext(true, rng));
        var loss = Ops.CrossEntropy(logits, y, Reduction.Mean, labelSmoothing);
        if (correct != null)
            model.Device.Backend.CountCorrect(logits.Buffer, y.Buffer, correct.Buffer, (int)(logits.Count / logits.Shape[^1]), logits.Shape[^1], y.Length);
        Tape.Backward(loss);
        opt.Step();
        opt.ZeroGrad();
        return loss.Detach().MoveToOuterScope();
    }
}
