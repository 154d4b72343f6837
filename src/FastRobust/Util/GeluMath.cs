namespace FastRobust.Util;

/// <summary>
/// The exact (erf) GELU and its derivative, shared by every backend. erfc comes from the Chebyshev fit of
/// Numerical Recipes (fractional error below 1.2e-7 over the whole line), evaluated in double so that
/// float32 results are correctly rounded to within an ulp or two even deep in the negative tail.
/// </summary>
public static class GeluMath
{
    public static double Erfc(double z)
    {
        double a = Math.Abs(z);
        double t = 1.0 / (1.0 + 0.5 * a);
        double r = t * Math.Exp(-a * a - 1.26551223 + t * (1.00002368 + t * (0.37409196 + t * (0.09678418 +
            t * (-0.18628806 + t * (0.27886807 + t * (-1.13520398 + t * (1.48851587 + t * (-0.82215223 + t * 0.17087277)))))))));
        return z >= 0 ? r : 2.0 - r;
    }

    /// <summary>Φ(x), the standard normal CDF.</summary>
    public static double Phi(double x) => 0.5 * Erfc(-x * 0.70710678118654752440);

    public static float Gelu(float x) => (float)(x * Phi(x));

    /// <summary>d/dx x·Φ(x) = Φ(x) + x·φ(x).</summary>
    public static float GeluDerivative(float x) =>
        (float)(Phi(x) + x * Math.Exp(-0.5 * (double)x * x) * 0.39894228040143267794);
}
