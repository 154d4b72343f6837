using System.Globalization;
using FastRobust.Attacks;
using FastRobust.Nn;
using FastRobust.Random;
using FastRobust.Tensors;

namespace FastRobust.Pictures;

/// <summary>
/// The large-ε adversarial examples of Tsipras et al. (2019, Fig. 3 and 4): PGD in the L2 or L∞ ball of a radius far
/// beyond the training ε, from the clean image (no random start), every step taken and the last iterate kept (the
/// attack's all-samples rule), towards a target class or away from the label.
/// </summary>
public sealed record LargeEpsilonAttack(ThreatNorm Norm, float Epsilon, int Steps, float? Alpha = null)
{
    /// <summary>The Philox stream handed to the attack (nothing in it is random without a random start; kept for form).</summary>
    public const ulong Stream = 0x4C45_5053; // "LEPS"

    public string Describe() =>
        $"PGD {(Norm == ThreatNorm.L2 ? "L2" : "L∞")} ε = {Epsilon.ToString("0.###", CultureInfo.InvariantCulture)}, {Steps} steps";

    /// <summary>
    /// The adversarial images of <paramref name="images"/> (host, NCHW) for <paramref name="model"/>, and the targets
    /// the attack aimed at (null when untargeted). <paramref name="targets"/>: one class per image, or null with
    /// <paramref name="leastLikely"/> to let the attack take the model's least-likely class, or null for untargeted.
    /// </summary>
    public (float[] Adversarial, int[]? Targets) Run(Model model, float[] images, int[] labels, int[]? targets, bool leastLikely, ulong seed)
    {
        var attack = AttackRegistry.Create(Norm == ThreatNorm.L2 ? "pgd-l2" : "pgd");
        var options = new AttackOptions
        {
            Epsilon = Epsilon, Steps = Steps, StepSize = Alpha, RandomStart = false, AllSamples = true,
            Target = targets is not null ? TargetMode.Given : leastLikely ? TargetMode.LeastLikely : TargetMode.None,
            TargetLabels = targets,
        };
        int[] shape = [labels.Length, .. model.Spec.Input];
        using var x = Tensor.FromArray(images, shape, model.Device);
        using var y = IntTensor.FromArray(labels, model.Device);
        using var result = attack.Run(model, x, y, options, new PhiloxStream(seed, Stream));
        return (result.AdversarialToArray(), result.Targets);
    }
}
