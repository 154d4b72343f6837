using FastRobust.Autograd;
using FastRobust.Nn;
using FastRobust.Nn.Optim;
using FastRobust.Random;
using FastRobust.Tensors;

namespace FastRobust.Training;

/// <summary>The device accumulators a robust step adds to (each may be null): per-member correct counts and loss sums.</summary>
public sealed record RobustStepSums(Tensor? Correct, Tensor? CleanLoss, Tensor? CleanCorrect);

/// <summary>
/// One robust optimisation step (docs/robust-training.md):
/// fgsm, fgsm-rs, pgd: x' = <see cref="TrainingAttack.Perturb"/> (eval mode), then CE(f(x'), y) in training mode;
/// trades: x' maximises the KL (eval mode), then CE(f(x), y) + β·KL(f(x) ‖ f(x')) in training mode, two forward
/// passes (clean and perturbed batches, each with its own batch-norm statistics);
/// noise: CE(f(clip(x + σz)), y) in training mode.
/// Clean loss and accuracy are read from an eval-mode forward pass without gradients (trades: from its
/// training-mode clean forward pass, which the loss needs anyway); the accuracy added to
/// <see cref="RobustStepSums.Correct"/> is that of the perturbed batch the model trained on.
/// </summary>
public static class RobustTrainStep
{
    /// <summary>
    /// Runs one step at radius <paramref name="eps"/> and step <paramref name="alpha"/> (the warm-up applied) and
    /// returns the training loss as a device tensor [1] that outlives the step.
    /// </summary>
    public static Tensor Run(Model model, Optimizer opt, Tensor x, IntTensor y, RobustOptions o, float eps, float alpha,
        PhiloxStream dropout, PhiloxStream noise, float labelSmoothing = 0f, RobustStepSums? sums = null)
    {
        using var scope = new TensorScope();
        var be = model.Device.Backend;
        var train = new ForwardContext(true, dropout);
        Tensor loss, logits;
        if (o.Method == AdversarialMethod.Trades)
        {
            var adv = Attack(model, x, y, o, eps, alpha, noise);
            var clean = model.Forward(x, train);
            logits = model.Forward(adv, train);
            loss = TradesLoss.Compute(clean, logits, y, o.TradesBeta, labelSmoothing).Total;
            if (sums?.CleanLoss is not null || sums?.CleanCorrect is not null)
                using (GradMode.NoGrad()) AddClean(clean.Detach(), y, sums);
        }
        else
        {
            if (sums?.CleanLoss is not null || sums?.CleanCorrect is not null)
                using (GradMode.NoGrad()) AddClean(model.Forward(x), y, sums);
            var input = o.Adversarial ? Attack(model, x, y, o, eps, alpha, noise)
                : o.NoiseSigma > 0 ? NoiseAugmentation.Apply(x, o.NoiseSigma, model.Members, noise)
                : x;
            logits = model.Forward(input, train);
            loss = Ops.CrossEntropy(logits, y, Reduction.Mean, labelSmoothing);
        }
        if (sums?.Correct is not null) CountCorrect(logits, y, sums.Correct);
        Tape.Backward(loss);
        opt.Step();
        opt.ZeroGrad();
        return loss.Detach().MoveToOuterScope();
    }

    /// <summary>The perturbed batch, found without weight gradients (they are turned back on for the update).</summary>
    private static Tensor Attack(Model model, Tensor x, IntTensor y, RobustOptions o, float eps, float alpha, PhiloxStream rng)
    {
        model.SetRequiresGrad(false);
        try
        {
            return TrainingAttack.Perturb(model, x, y, o, eps, alpha, rng);
        }
        finally
        {
            model.SetRequiresGrad(true);
        }
    }

    private static void AddClean(Tensor logits, IntTensor y, RobustStepSums sums)
    {
        if (sums.CleanLoss is not null)
        {
            var l = Ops.CrossEntropy(logits, y, Reduction.Mean);
            logits.Device.Backend.Axpby(l.Buffer, sums.CleanLoss.Buffer, 1, 1f, 1f);
        }
        if (sums.CleanCorrect is not null) CountCorrect(logits, y, sums.CleanCorrect);
    }

    private static void CountCorrect(Tensor logits, IntTensor y, Tensor correct) =>
        logits.Device.Backend.CountCorrect(logits.Buffer, y.Buffer, correct.Buffer, (int)(logits.Count / logits.Shape[^1]), logits.Shape[^1], y.Length);
}
