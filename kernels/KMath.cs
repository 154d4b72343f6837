using ILGPU;

namespace FastRobust.Kernels;

/// <summary>
/// Transcendentals for kernels in plain double arithmetic. ILGPU maps Math.Exp/Log/Sin/Cos to libdevice in PTX,
/// which needs the CUDA SDK at run time and otherwise leaves unresolved externs; these compile to ordinary
/// instructions on every backend. Accurate to a few double ulps, so after rounding to float they agree with the
/// CPU backend's Math/MathF results to within a float ulp. Every product that feeds an add goes through
/// <see cref="Rounded.Mul(double, double)"/>, so ptxas cannot fuse it into an fma: the GPU then computes the very bits
/// that ILGPU's CPU accelerator (plain .NET arithmetic) computes in the tests.
/// </summary>
public static class KMath
{
    private const double Ln2Hi = 6.93147180369123816490e-01, Ln2Lo = 1.90821492927058770002e-10;
    private const double Log2E = 1.44269504088896338700;
    private const double PiOver2Hi = 1.57079632673412561417e+00, PiOver2Lo = 6.07710050650619224932e-11;

    /// <summary>2^k for k in [-1074, 1023] (two factors keep subnormal results exact).</summary>
    private static double Pow2(int k)
    {
        if (k > 1023) return double.PositiveInfinity;
        if (k >= -1022) return Interop.IntAsFloat((ulong)(k + 1023) << 52);
        int h = k / 2;
        return Interop.IntAsFloat((ulong)(h + 1023) << 52) * Interop.IntAsFloat((ulong)(k - h + 1023) << 52);
    }

    public static double Exp(double x)
    {
        if (double.IsNaN(x)) return x;
        if (x > 709.782712893384) return double.PositiveInfinity;
        if (x < -745.2) return 0.0;
        // x = k·ln2 + r with |r| ≤ ln2/2 (Cody–Waite), then a degree-13 Taylor polynomial for e^r
        double kf = Math.Floor(Rounded.Mul(x, Log2E) + 0.5);
        double r = x - Rounded.Mul(kf, Ln2Hi) - Rounded.Mul(kf, Ln2Lo);
        double p = 1.0 / 6227020800.0;
        p = Rounded.Mul(p, r) + 1.0 / 479001600.0;
        p = Rounded.Mul(p, r) + 1.0 / 39916800.0;
        p = Rounded.Mul(p, r) + 1.0 / 3628800.0;
        p = Rounded.Mul(p, r) + 1.0 / 362880.0;
        p = Rounded.Mul(p, r) + 1.0 / 40320.0;
        p = Rounded.Mul(p, r) + 1.0 / 5040.0;
        p = Rounded.Mul(p, r) + 1.0 / 720.0;
        p = Rounded.Mul(p, r) + 1.0 / 120.0;
        p = Rounded.Mul(p, r) + 1.0 / 24.0;
        p = Rounded.Mul(p, r) + 1.0 / 6.0;
        p = Rounded.Mul(p, r) + 0.5;
        p = Rounded.Mul(p, r) + 1.0;
        p = Rounded.Mul(p, r) + 1.0;
        int k = (int)kf;
        // split the scale so that e^r·2^k neither overflows early nor loses bits in the subnormal range
        return k < -1000 ? p * Pow2(k + 600) * Pow2(-600) : k > 1000 ? p * Pow2(k - 600) * Pow2(600) : p * Pow2(k);
    }

    public static double Log(double x)
    {
        if (double.IsNaN(x) || x < 0.0) return double.NaN;
        if (x == 0.0) return double.NegativeInfinity;
        if (double.IsPositiveInfinity(x)) return x;
        int e = 0;
        if (x < 2.2250738585072014e-308)
        {
            x *= 18014398509481984.0; // 2^54
            e = -54;
        }
        ulong bits = Interop.FloatAsInt(x);
        e += (int)((bits >> 52) & 0x7FF) - 1023;
        double m = Interop.IntAsFloat((bits & 0x000FFFFFFFFFFFFFUL) | 0x3FF0000000000000UL);
        if (m > 1.4142135623730951)
        {
            m *= 0.5;
            e++;
        }
        // log m = 2·atanh(s), s = (m − 1)/(m + 1), |s| ≤ 0.1716
        double s = (m - 1.0) / (m + 1.0), z = s * s;
        double p = 1.0 / 23.0;
        p = Rounded.Mul(p, z) + 1.0 / 21.0;
        p = Rounded.Mul(p, z) + 1.0 / 19.0;
        p = Rounded.Mul(p, z) + 1.0 / 17.0;
        p = Rounded.Mul(p, z) + 1.0 / 15.0;
        p = Rounded.Mul(p, z) + 1.0 / 13.0;
        p = Rounded.Mul(p, z) + 1.0 / 11.0;
        p = Rounded.Mul(p, z) + 1.0 / 9.0;
        p = Rounded.Mul(p, z) + 1.0 / 7.0;
        p = Rounded.Mul(p, z) + 1.0 / 5.0;
        p = Rounded.Mul(p, z) + 1.0 / 3.0;
        p = Rounded.Mul(p, z) + 1.0;
        double logM = Rounded.Mul(2.0 * s, p);
        return Rounded.Mul(e, Ln2Hi) + (Rounded.Mul(e, Ln2Lo) + logM);
    }

    /// <summary>sin and cos of |a| ≲ 1e6 (Box–Muller angles lie in [0, 2π)).</summary>
    public static void SinCos(double a, out double sin, out double cos)
    {
        double kf = Math.Floor(Rounded.Mul(a, 1.0 / 1.57079632679489661923) + 0.5);
        double r = a - Rounded.Mul(kf, PiOver2Hi) - Rounded.Mul(kf, PiOver2Lo);
        double z = r * r;
        // |r| ≤ π/4: Taylor series of sin to r^17 and of cos to r^18
        double s = 1.0 / 355687428096000.0;
        s = Rounded.Mul(s, z) - 1.0 / 1307674368000.0;
        s = Rounded.Mul(s, z) + 1.0 / 6227020800.0;
        s = Rounded.Mul(s, z) - 1.0 / 39916800.0;
        s = Rounded.Mul(s, z) + 1.0 / 362880.0;
        s = Rounded.Mul(s, z) - 1.0 / 5040.0;
        s = Rounded.Mul(s, z) + 1.0 / 120.0;
        s = Rounded.Mul(s, z) - 1.0 / 6.0;
        s = r + Rounded.Mul(Rounded.Mul(r, z), s);
        double c = -1.0 / 6402373705728000.0;
        c = Rounded.Mul(c, z) + 1.0 / 20922789888000.0;
        c = Rounded.Mul(c, z) - 1.0 / 87178291200.0;
        c = Rounded.Mul(c, z) + 1.0 / 479001600.0;
        c = Rounded.Mul(c, z) - 1.0 / 3628800.0;
        c = Rounded.Mul(c, z) + 1.0 / 40320.0;
        c = Rounded.Mul(c, z) - 1.0 / 720.0;
        c = Rounded.Mul(c, z) + 1.0 / 24.0;
        c = Rounded.Mul(c, z) - 0.5;
        c = 1.0 + Rounded.Mul(z, c);
        int q = (int)((long)kf & 3);
        if (q == 0) { sin = s; cos = c; }
        else if (q == 1) { sin = c; cos = -s; }
        else if (q == 2) { sin = -s; cos = -c; }
        else { sin = -c; cos = s; }
    }

    public static float ExpF(float x) => (float)Exp(x);

    public static float LogF(float x) => (float)Log(x);

    public static float TanhF(float x)
    {
        double ax = Math.Abs((double)x);
        double t;
        if (double.IsNaN(ax)) return x;
        if (ax < 1e-4) t = ax - ax * ax * ax / 3.0;
        else if (ax > 20.0) t = 1.0;
        else
        {
            double e2 = Exp(2.0 * ax);
            t = (e2 - 1.0) / (e2 + 1.0);
        }
        return (float)(x < 0f ? -t : t);
    }

    public static float SigmoidF(float x) => 1f / (1f + ExpF(-x));

    /// <summary>Twin of GeluMath.Erfc (Numerical Recipes' Chebyshev fit) over <see cref="Exp"/>.</summary>
    public static double Erfc(double z)
    {
        double a = Math.Abs(z);
        double t = 1.0 / (1.0 + 0.5 * a);
        double r = t * Exp(-a * a - 1.26551223 + t * (1.00002368 + t * (0.37409196 + t * (0.09678418 +
            t * (-0.18628806 + t * (0.27886807 + t * (-1.13520398 + t * (1.48851587 + t * (-0.82215223 + t * 0.17087277)))))))));
        return z >= 0 ? r : 2.0 - r;
    }

    public static double Phi(double x) => 0.5 * Erfc(-x * 0.70710678118654752440);

    /// <summary>Twin of GeluMath.Gelu.</summary>
    public static float Gelu(float x) => (float)(x * Phi(x));

    /// <summary>Twin of GeluMath.GeluDerivative.</summary>
    public static float GeluDerivative(float x) =>
        (float)(Phi(x) + x * Exp(-0.5 * (double)x * x) * 0.39894228040143267794);

    /// <summary>Twin of Philox.BoxMuller (same lanes, same double evaluation order).</summary>
    public static float BoxMuller(uint ua, uint ub, bool sine)
    {
        double radius = Math.Sqrt(-2.0 * Log(((ua >> 8) + 1) * (1.0f / 16777216.0f)));
        double angle = Rounded.Mul(2.0 * Math.PI, (ub >> 8) * (1.0f / 16777216.0f));
        SinCos(angle, out double s, out double c);
        return (float)(radius * (sine ? s : c));
    }
}
