using FastRobust.Random;
using ILGPU;

namespace FastRobust.Kernels;

/// <summary>
/// Shot noise (src/FastRobust/Shifts/Generation/NoiseCorruptions.cs ShotNoise, sampler src/FastRobust/Shifts/Generation/Passes/Poisson.cs):
/// Poisson(c·x)/c per value, one value per thread over the whole batch. The sampler's per-λ constants for the 256
/// byte values come from the host (Poisson.Constants.Of, the very doubles the host samples with), <see cref="K"/>
/// doubles per value; attempt t of value i reads Philox block i·maxAttempts + t of field 0 (Poisson.MaxAttempts = 64), as the host's PixelPairs.
/// Inversion (λ &lt; 10) is the host's double arithmetic exactly; the PTRS acceptance test takes logs through KMath
/// (a few ulps from .NET's Math.Log), which can only change a count when the two sides of that test are within a few
/// ulps of each other. Products that feed a sum go through <see cref="Rounded.Mul"/> so ptxas cannot fuse them into fma.
/// </summary>
[HostBytes]
public static class ShotNoiseKernel
{
    /// <summary>Doubles per byte value in the constants table: λ, e^−λ, log λ, a, b, log(1/α), v_r (Poisson.Constants' order).</summary>
    public const int K = 7;

    [Kernel]
    public static void Shot(ArrayView<byte> src, ArrayView<byte> dst, ArrayView<double> table, int total, int size, long firstImage,
        ulong seed, ulong streamBase, double c, int maxAttempts)
    {
        for (int idx = Stride.Start; idx < total; idx += Stride.Step)
        {
            int img = idx / size, i = idx - img * size;
            ulong stream = streamBase | (ulong)(firstImage + img);
            int k = Sample(table, src[idx] * K, seed, stream, (ulong)i * (ulong)maxAttempts, maxAttempts);
            dst[idx] = CorruptionMath.Out(k / c);
        }
    }

    /// <summary>Poisson.Sample with the constants at table[t..t+K) and attempt a's uniforms from block first + a.</summary>
    private static int Sample(ArrayView<double> table, int t, ulong seed, ulong stream, ulong first, int maxAttempts)
    {
        double lambda = table[t], expNeg = table[t + 1], logLam = table[t + 2], a = table[t + 3], b = table[t + 4];
        double logInvAlpha = table[t + 5], vr = table[t + 6];
        if (!(lambda > 0)) return 0;
        if (lambda < 10)
        {
            Philox.Block(seed, stream, first, out uint r0, out uint r1, out _, out _);
            double u1 = CorruptionMath.ToDouble(r0, r1);
            double p = expNeg, cdf = p;
            int n1 = 0;
            while (u1 > cdf && n1 < 200)
            {
                n1++;
                p = Rounded.Mul(p, lambda / n1);
                cdf += p;
            }
            return n1;
        }
        for (int att = 0; att < maxAttempts; att++)
        {
            Philox.Block(seed, stream, first + (ulong)att, out uint r0, out uint r1, out uint r2, out uint r3);
            double u0 = CorruptionMath.ToDouble(r0, r1), v = CorruptionMath.ToDouble(r2, r3);
            double u = u0 - 0.5;
            double us = 0.5 - Math.Abs(u);
            long n = (long)Math.Floor(Rounded.Mul(2 * a / us + b, u) + lambda + 0.43);
            if (us >= 0.07 && v <= vr) return (int)n;
            if (n < 0 || (us < 0.013 && v > us)) continue;
            if (KMath.Log(v) + logInvAlpha - KMath.Log(a / (us * us) + b) <= -lambda + Rounded.Mul(n, logLam) - LogGamma(n + 1)) return (int)n;
        }
        return (int)CorruptionMath.RoundEven(lambda);
    }

    /// <summary>
    /// Poisson.LogGamma (x ≥ 1) with its Stirling coefficients written out (kernels read no static arrays); the
    /// constants are the same compile-time doubles as the host's table, summed in the same Horner order.
    /// </summary>
    private static double LogGamma(double x)
    {
        if (x == 1.0 || x == 2.0) return 0.0;
        int n = x < 7.0 ? (int)(7 - x) : 0;
        double x0 = x + n, x2 = 1.0 / x0 * (1.0 / x0);
        double series = -174611.0 / 125400;
        series = Rounded.Mul(series, x2) + 43867.0 / 244188;
        series = Rounded.Mul(series, x2) + -3617.0 / 122400;
        series = Rounded.Mul(series, x2) + 1.0 / 156;
        series = Rounded.Mul(series, x2) + -691.0 / 360360;
        series = Rounded.Mul(series, x2) + 1.0 / 1188;
        series = Rounded.Mul(series, x2) + -1.0 / 1680;
        series = Rounded.Mul(series, x2) + 1.0 / 1260;
        series = Rounded.Mul(series, x2) + -1.0 / 360;
        series = Rounded.Mul(series, x2) + 1.0 / 12;
        double gl = series / x0 + 0.5 * 1.8378770664093453 + Rounded.Mul(x0 - 0.5, KMath.Log(x0)) - x0;
        for (int k = 1; k <= n; k++)
        {
            gl -= KMath.Log(x0 - 1.0);
            x0 -= 1.0;
        }
        return gl;
    }
}
