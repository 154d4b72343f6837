namespace FastRobust.Tests.OpsTests.Reference;

/// <summary>
/// erf / erfc in double, written independently of the engine's GeluMath (which uses a Chebyshev fit):
/// the all-positive series erf(x) = 2/√π·e^(−x²)·Σ 2ⁿx^(2n+1)/(1·3·…·(2n+1)) below 1 (no cancellation),
/// and the Laplace continued fraction for erfc from 1 on (so the tail keeps its relative accuracy). Both are
/// accurate to ~1e-15 where used.
/// </summary>
public static class RefErf
{
    private const double TwoOverSqrtPi = 1.1283791670955125739;
    private const double OneOverSqrtPi = 0.56418958354775628695;

    public static double Erf(double x)
    {
        if (x < 0) return -Erf(-x);
        if (x < 1.0) return Series(x);
        return 1.0 - ErfcContinuedFraction(x);
    }

    public static double Erfc(double x)
    {
        if (x < 0) return 2.0 - Erfc(-x);
        if (x < 1.0) return 1.0 - Series(x);
        return ErfcContinuedFraction(x);
    }

    private static double Series(double x)
    {
        double x2 = x * x, term = x, sum = x;
        for (int n = 1; n < 200; n++)
        {
            term *= 2.0 * x2 / (2 * n + 1);
            sum += term;
            if (term < 1e-18 * sum) break;
        }
        return TwoOverSqrtPi * Math.Exp(-x2) * sum;
    }

    /// <summary>erfc(x) = e^(−x²)/√π · 1/(x + (1/2)/(x + 1/(x + (3/2)/(x + …)))), evaluated bottom-up.</summary>
    private static double ErfcContinuedFraction(double x)
    {
        double f = x;
        for (int k = 400; k >= 1; k--) f = x + k / 2.0 / f;
        return OneOverSqrtPi * Math.Exp(-x * x) / f;
    }

    /// <summary>Standard normal CDF Φ(x).</summary>
    public static double Phi(double x) => 0.5 * Erfc(-x / Math.Sqrt(2.0));
}
