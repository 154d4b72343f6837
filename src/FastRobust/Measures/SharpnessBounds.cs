namespace FastRobust.Measures;

/// <summary>
/// The PAC-Bayes and sharpness bound values of Jiang et al. 2020 eqs. 48–61 from the searched scales. w is the
/// folded conv/linear weight vector (biases excluded, as in the port), w0 its value at initialisation, ω its length,
/// m the number of images in the measured set. Exact forms and how the printed equations were read:
/// docs/measures.md.
/// </summary>
public static class SharpnessBounds
{
    public const string Group = "sharpness";

    private static string Eq(int n) => $"Jiang et al. 2020 eq. {n}";

    public static void PacBayes(MeasureResults into, double[] w, double[]? w0, int m, double sigma, string options)
    {
        void Add(string name, double v, string reference) => into.Add(name, v, Group, reference, options);
        double tail = Math.Log(m / sigma) + 10;
        if (w0 != null) Add("pacbayes_init", SquaredDistance(w, w0) / (4 * sigma * sigma) + tail, Eq(48));
        Add("pacbayes_orig", SpectralNorms.Dot(w, w) / (4 * sigma * sigma) + tail, Eq(49));
        Add("pacbayes_flatness", 1 / (sigma * sigma), Eq(53));
    }

    public static void PacBayesMagnitude(MeasureResults into, double[] w, double[]? w0, int m, double sigma, double eps, string options)
    {
        void Add(string name, double v, string reference) => into.Add(name, v, Group, reference, options);
        double tail = Math.Log(m / sigma) + 10;
        if (w0 != null)
        {
            Add("pacbayes_mag_init", MagnitudeSum(w, w0, SquaredDistance(w, w0), sigma * sigma + 1, sigma, eps) + tail, Eq(56));
            Add("pacbayes_mag_orig", MagnitudeSum(w, w0, SpectralNorms.Dot(w, w), sigma * sigma + 1, sigma, eps) + tail, Eq(57));
        }
        Add("pacbayes_mag_flatness", 1 / (sigma * sigma), Eq(61));
    }

    public static void Sharpness(MeasureResults into, double[] w, double[]? w0, int m, double alpha, string options)
    {
        void Add(string name, double v, string reference) => into.Add(name, v, Group, reference, options);
        double tail = Math.Log(m / alpha) + 10, log2w = Math.Log(2.0 * w.Length);
        if (w0 != null) Add("sharpness_init", SquaredDistance(w, w0) * log2w / (4 * alpha * alpha) + tail, Eq(50));
        Add("sharpness_orig", SpectralNorms.Dot(w, w) * log2w / (4 * alpha * alpha) + tail, Eq(51));
        Add("sharpness_flatness", 1 / (alpha * alpha), Eq(52));
    }

    public static void SharpnessMagnitude(MeasureResults into, double[] w, double[]? w0, int m, double alpha, double eps, string options)
    {
        void Add(string name, double v, string reference) => into.Add(name, v, Group, reference, options);
        double tail = Math.Log(m / alpha) + 10, grow = alpha * alpha + 4 * Math.Log(2.0 * w.Length);
        if (w0 != null)
        {
            Add("sharpness_mag_init", MagnitudeSum(w, w0, SquaredDistance(w, w0), grow, alpha, eps) + tail, Eq(58));
            Add("sharpness_mag_orig", MagnitudeSum(w, w0, SpectralNorms.Dot(w, w), grow, alpha, eps) + tail, Eq(59));
        }
        Add("sharpness_mag_flatness", 1 / (alpha * alpha), Eq(60));
    }

    /// <summary>¼ Σ_i log((ε² + grow·norm2/ω) / (ε² + s²(w_i − w0_i)²)), the KL term of the magnitude-aware bounds.</summary>
    private static double MagnitudeSum(double[] w, double[] w0, double norm2, double grow, double s, double eps)
    {
        double e2 = eps * eps, num = Math.Log(e2 + grow * norm2 / w.Length), sum = 0;
        for (int i = 0; i < w.Length; i++)
        {
            double d = w[i] - w0[i];
            sum += num - Math.Log(e2 + s * s * d * d);
        }
        return sum / 4;
    }

    private static double SquaredDistance(double[] a, double[] b)
    {
        double s = 0;
        for (int i = 0; i < a.Length; i++) s += (a[i] - b[i]) * (a[i] - b[i]);
        return s;
    }
}
