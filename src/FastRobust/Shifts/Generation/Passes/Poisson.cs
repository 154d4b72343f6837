namespace FastRobust.Shifts.Generation.Passes;

/// <summary>
/// Poisson samples from counter-based uniforms, so that a pixel's count depends only on its key. λ &lt; 10: inversion
/// of the CDF with one 53-bit uniform. λ ≥ 10: Hörmann's transformed rejection with squeeze (PTRS, 1993), the
/// method NumPy uses there, attempt t reading uniform pair t; after 64 rejections (probability far below 10⁻⁶⁰)
/// it returns round(λ).
/// </summary>
internal static class Poisson
{
    public const int MaxAttempts = 64;

    /// <summary>The per-λ constants of both methods (so a table of them serves every pixel of one 8-bit value).</summary>
    public readonly record struct Constants(double Lambda, double ExpNeg, double LogLam, double A, double B, double LogInvAlpha, double Vr)
    {
        public static Constants Of(double lambda)
        {
            if (!(lambda >= 10)) return new Constants(lambda, Math.Exp(-lambda), 0, 0, 0, 0, 0);
            double slam = Math.Sqrt(lambda), b = 0.931 + 2.53 * slam;
            return new Constants(lambda, 0, Math.Log(lambda), -0.059 + 0.02483 * b, b, Math.Log(1.1239 + 1.1328 / (b - 3.4)), 0.9277 - 3.6224 / (b - 2));
        }
    }

    /// <summary>One Poisson(λ) count; <paramref name="source"/>.Pair(t) gives attempt t's two uniforms in [0, 1).</summary>
    public static int Sample<TSource>(double lambda, in TSource source) where TSource : struct, IUniformPairs =>
        Sample(Constants.Of(lambda), source);

    public static int Sample<TSource>(in Constants k, in TSource source) where TSource : struct, IUniformPairs
    {
        double lambda = k.Lambda;
        if (!(lambda > 0)) return 0;
        if (lambda < 10)
        {
            var (u, _) = source.Pair(0);
            double p = k.ExpNeg, cdf = p;
            int n = 0;
            while (u > cdf && n < 200)
            {
                n++;
                p *= lambda / n;
                cdf += p;
            }
            return n;
        }
        for (int t = 0; t < MaxAttempts; t++)
        {
            var (u0, v) = source.Pair(t);
            double u = u0 - 0.5;
            double us = 0.5 - Math.Abs(u);
            long n = (long)Math.Floor((2 * k.A / us + k.B) * u + lambda + 0.43);
            if (us >= 0.07 && v <= k.Vr) return (int)n;
            if (n < 0 || (us < 0.013 && v > us)) continue;
            if (Math.Log(v) + k.LogInvAlpha - Math.Log(k.A / (us * us) + k.B) <= -lambda + n * k.LogLam - LogGamma(n + 1)) return (int)n;
        }
        return (int)Math.Round(lambda);
    }

    // Stirling's series: B₂ₖ / (2k(2k − 1)) for k = 1..10
    private static readonly double[] Stirling =
    [
        1.0 / 12, -1.0 / 360, 1.0 / 1260, -1.0 / 1680, 1.0 / 1188, -691.0 / 360360, 1.0 / 156, -3617.0 / 122400, 43867.0 / 244188,
        -174611.0 / 125400,
    ];

    /// <summary>log Γ(x) for x ≥ 1: Stirling's series at x + n ≥ 7, then log Γ(x) = log Γ(x + n) − Σ log(x + i).</summary>
    public static double LogGamma(double x)
    {
        if (x == 1.0 || x == 2.0) return 0.0;
        int n = x < 7.0 ? (int)(7 - x) : 0;
        double x0 = x + n, x2 = 1.0 / x0 * (1.0 / x0);
        double series = Stirling[9];
        for (int k = 8; k >= 0; k--) series = series * x2 + Stirling[k];
        double gl = series / x0 + 0.5 * 1.8378770664093453 + (x0 - 0.5) * Math.Log(x0) - x0;
        for (int k = 1; k <= n; k++)
        {
            gl -= Math.Log(x0 - 1.0);
            x0 -= 1.0;
        }
        return gl;
    }
}

/// <summary>A source of uniform pairs indexed by attempt (a struct, so the sampler inlines it).</summary>
internal interface IUniformPairs
{
    (double U, double V) Pair(int attempt);
}
