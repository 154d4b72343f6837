using FastRobust.Random;
using FastRobust.Tensors;

namespace FastRobust.Training;

/// <summary>
/// Gaussian data augmentation (min_θ E_δ~N(0, σ²I) loss(x + δ)): x' = clip_[0,1](x + σ·z), z ~ N(0, I) drawn
/// fresh at every step from the next counters of a Philox stream. With an ensemble of E members the noise is
/// [E, N, C, H, W], one independent draw per member.
/// </summary>
public static class NoiseAugmentation
{
    /// <summary>The noisy batch (a new tensor in the current scope).</summary>
    public static Tensor Apply(Tensor x, float sigma, int members, PhiloxStream rng)
    {
        var be = x.Device.Backend;
        var y = TrainingAttack.Expand(x, members);
        long count = y.Count;
        using var z = Tensor.Empty(y.Shape, x.Device);
        be.FillNormal(z.Buffer, count, rng.Seed, rng.Stream, rng.Take(count), 0f, sigma);
        be.Binary(BinaryOp.Add, y.Buffer, z.Buffer, y.Buffer, count);
        be.Clamp(y.Buffer, y.Buffer, count, 0f, 1f);
        return y;
    }
}
