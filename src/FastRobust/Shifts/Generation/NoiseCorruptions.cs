using FastRobust.Shifts.Generation.Passes;

namespace FastRobust.Shifts.Generation;

/// <summary>x + N(0, c²) per value, c = 0.04, 0.06, 0.08, 0.09, 0.10; clipped to [0, 1].</summary>
public sealed class GaussianNoise : Corruption
{
    internal static readonly double[] C = [0.04, 0.06, 0.08, 0.09, 0.10];
    public override string Name => "gaussian_noise";
    public override string Title => "Gaussian Noise";
    public override string Family => "noise";
    public override string Describe(int s) => $"σ = {C[s - 1]}";

    public override void Apply(ReadOnlySpan<byte> src, Span<double> dst, ImageShape shape, int severity, in CorruptionRandom rng, Workspace ws)
    {
        var noise = ws.Floats(0, shape.Size);
        rng.Normals(0, noise);
        double c = C[severity - 1];
        for (int i = 0; i < shape.Size; i++) dst[i] = Out(Unit(src[i]) + noise[i] * c);
    }
}

/// <summary>Poisson(c·x)/c per value, c = 500, 250, 100, 75, 50 (photon counts); clipped to [0, 1].</summary>
public sealed class ShotNoise : Corruption
{
    internal static readonly double[] C = [500, 250, 100, 75, 50];
    public override string Name => "shot_noise";
    public override string Title => "Shot Noise";
    public override string Family => "noise";
    public override string Describe(int s) => $"photons per unit intensity c = {C[s - 1]}";

    public override void Apply(ReadOnlySpan<byte> src, Span<double> dst, ImageShape shape, int severity, in CorruptionRandom rng, Workspace ws)
    {
        double c = C[severity - 1];
        var table = Tables[severity - 1];
        for (int i = 0; i < shape.Size; i++)
        {
            int k = Poisson.Sample(table[src[i]], new PixelPairs(rng, i));
            dst[i] = Out(k / c);
        }
    }

    /// <summary>The sampler's constants for each 8-bit value at each severity (λ = c·v/255).</summary>
    internal static readonly Poisson.Constants[][] Tables =
        C.Select(c => Enumerable.Range(0, 256).Select(v => Poisson.Constants.Of(v / 255.0 * c)).ToArray()).ToArray();

    /// <summary>Element i's attempt t reads block i·64 + t of field 0.</summary>
    internal readonly struct PixelPairs(CorruptionRandom rng, long element) : IUniformPairs
    {
        public (double U, double V) Pair(int attempt)
        {
            rng.Block(0, element * Poisson.MaxAttempts + attempt, out uint r0, out uint r1, out uint r2, out uint r3);
            return (CorruptionRandom.ToDouble(r0, r1), CorruptionRandom.ToDouble(r2, r3));
        }
    }
}

/// <summary>
/// Salt and pepper (skimage.util.random_noise 's&amp;p'): each value independently becomes 1 with probability c/2
/// and 0 with probability c/2, c = 0.01, 0.02, 0.03, 0.05, 0.07.
/// </summary>
public sealed class ImpulseNoise : Corruption
{
    internal static readonly double[] C = [0.01, 0.02, 0.03, 0.05, 0.07];
    public override string Name => "impulse_noise";
    public override string Title => "Impulse Noise";
    public override string Family => "noise";
    public override string Describe(int s) => $"fraction replaced = {C[s - 1]} (half salt, half pepper)";

    public override void Apply(ReadOnlySpan<byte> src, Span<double> dst, ImageShape shape, int severity, in CorruptionRandom rng, Workspace ws)
    {
        double c = C[severity - 1];
        for (int i = 0; i < shape.Size; i++)
        {
            double u = rng.Uniform(0, i);
            double x = Unit(src[i]);
            dst[i] = Out(u < c ? (u < c / 2 ? 1.0 : 0.0) : x);
        }
    }
}

/// <summary>x + x·N(0, c²) per value, c = 0.06, 0.10, 0.12, 0.16, 0.20; clipped to [0, 1]. Held out of mCE.</summary>
public sealed class SpeckleNoise : Corruption
{
    internal static readonly double[] C = [0.06, 0.1, 0.12, 0.16, 0.2];
    public override string Name => "speckle_noise";
    public override string Title => "Speckle Noise";
    public override string Family => "noise";
    public override bool Benchmark => false;
    public override string Describe(int s) => $"σ = {C[s - 1]} (multiplicative)";

    public override void Apply(ReadOnlySpan<byte> src, Span<double> dst, ImageShape shape, int severity, in CorruptionRandom rng, Workspace ws)
    {
        var noise = ws.Floats(0, shape.Size);
        rng.Normals(0, noise);
        double c = C[severity - 1];
        for (int i = 0; i < shape.Size; i++)
        {
            double x = Unit(src[i]);
            dst[i] = Out(x + x * (noise[i] * c));
        }
    }
}
