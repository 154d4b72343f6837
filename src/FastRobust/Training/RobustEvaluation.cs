using FastRobust.Attacks;
using FastRobust.Data;
using FastRobust.Nn;
using FastRobust.Random;
using FastRobust.Tensors;

namespace FastRobust.Training;

/// <summary>The robust accuracy a training run reports per epoch: PGD at the training threat model.</summary>
public static class RobustEvaluation
{
    /// <summary>
    /// PGD-10 (pgd-l2 for an L2 threat model) at the full training ε, α = 2.5·ε/10, random start, on the first
    /// <paramref name="limit"/> images of <paramref name="data"/>: the fraction still classified correctly.
    /// </summary>
    public static double PgdAccuracy(Model model, Dataset data, RobustOptions o, int limit, PhiloxStream rng)
    {
        var set = data.N > limit ? data.Take(limit) : data;
        var attack = AttackRegistry.Create(o.L2 ? "pgd-l2" : "pgd");
        var options = new AttackOptions { Epsilon = o.Epsilon, Steps = 10 };
        using var scope = new TensorScope();
        var x = Tensor.FromArray(set.Images, [set.N, set.C, set.H, set.W], model.Device);
        using var y = IntTensor.FromArray(set.Labels, model.Device);
        using var r = attack.Run(model, x, y, options, rng);
        return Enumerable.Range(0, r.Count).Count(r.Robust) / (double)Math.Max(1, r.Count);
    }
}
