using FastRobust.Nn;
using FastRobust.Random;
using FastRobust.Tensors;

namespace FastRobust.Attacks;

/// <summary>
/// An adversarial attack (or a noise baseline) on images in [0, 1]. <see cref="Run"/> attacks every row of
/// <c>x</c> on the model's device, in batches of <see cref="AttackOptions.Batch"/> rows, with the model in eval
/// mode and without weight gradients, and returns the adversarial images with one outcome per sample.
/// Randomness comes from Philox keyed by (rng.Seed, a stream derived from rng.Stream, the sample's index
/// <see cref="AttackOptions.SampleOffset"/> + row), so a result does not depend on the batch size or on which
/// other samples were attacked with it.
/// </summary>
public interface IAttack
{
    /// <summary>The CLI name: fgsm, bim, pgd, pgd-l2, deepfool, cw, apgd-ce, square, random-l0, gaussian.</summary>
    string Name { get; }

    /// <summary>The norm of the ε-ball the output stays in.</summary>
    ThreatNorm Norm { get; }

    /// <summary>Whether targeted modes are defined for this attack.</summary>
    bool SupportsTargeted { get; }

    /// <summary>
    /// Attacks images <paramref name="x"/> [N, C, H, W] with labels <paramref name="y"/> [N] (both on the model's
    /// device). Invalid options or inputs throw <see cref="Util.InputException"/> before any work starts.
    /// </summary>
    AttackResult Run(Model model, Tensor x, IntTensor y, AttackOptions options, PhiloxStream rng);
}
