namespace FastRobust.Attacks;

/// <summary>
/// FAB's step (Croce &amp; Hein 2020, fab_projections.py): the smallest move d, in L∞ or L2, that takes a point t of the
/// box [0, 1]ᴰ onto the hyperplane w·x = b while t + d stays in the box. With c = |w·t − b| and the hyperplane's
/// side fixed so that w·d must equal −c·sign(w·t − b), each coordinate moves against its weight until it meets the
/// box: L∞, d_i = −sign(w_i)·min(λ, p_i) with p_i the room to the box edge in that direction; L2,
/// d_i = clip(−α·w_i, −t_i, 1 − t_i). The scalar (λ or α) solves a piecewise-linear equation; the breakpoints are
/// sorted once and the segment found by a scan. When even the whole box cannot reach the hyperplane, d moves every
/// coordinate as far as the box allows (what fab_projections.py returns). Coordinates with w_i = 0 (L2: |w_i| &lt; 10⁻⁸)
/// do not move. Computed in double on the host.
/// </summary>
public static class FabProjection
{
    /// <summary>L∞ projection of point t onto {w·x = b} within the box; writes d.</summary>
    public static void Linf(ReadOnlySpan<float> t, ReadOnlySpan<float> w, double b, Span<double> d)
    {
        int n = t.Length;
        double c = -b;
        for (int i = 0; i < n; i++) c += (double)w[i] * t[i];
        double sign = c >= 0 ? 1 : -1;
        c *= sign;
        // p_i: room to the box edge against the (sign-fixed) weight; |w_i| the rate of decrease per unit of λ
        var p = new double[n];
        var aw = new double[n];
        var order = new int[n];
        double total = 0;
        for (int i = 0; i < n; i++)
        {
            double wi = sign * w[i];
            p[i] = wi >= 0 ? t[i] : 1.0 - t[i];
            aw[i] = Math.Abs(wi);
            total += aw[i];
            order[i] = i;
        }
        Array.Sort((double[])p.Clone(), order);
        // Decrease(λ) = Σ_{p_i<λ} |w_i|·p_i + λ·Σ_{p_i≥λ} |w_i|; find λ with Decrease(λ) = c
        double lambda = double.NaN, clipped = 0, free = total;
        for (int j = 0; j < n && free > 0; j++)
        {
            int i = order[j];
            if (clipped + p[i] * free >= c)
            {
                lambda = Math.Max((c - clipped) / free, 0);
                break;
            }
            clipped += aw[i] * p[i];
            free -= aw[i];
        }
        for (int i = 0; i < n; i++)
        {
            double wi = sign * w[i];
            if (wi == 0) { d[i] = 0; continue; }
            double move = double.IsNaN(lambda) ? p[i] : Math.Min(lambda, p[i]);
            d[i] = wi > 0 ? -move : move;
        }
    }

    /// <summary>L2 projection of point t onto {w·x = b} within the box; writes d.</summary>
    public static void L2(ReadOnlySpan<float> t, ReadOnlySpan<float> w, double b, Span<double> d)
    {
        int n = t.Length;
        double c = -b;
        for (int i = 0; i < n; i++) c += (double)w[i] * t[i];
        double sign = c >= 0 ? 1 : -1;
        c *= sign;
        // r_i: the α at which coordinate i meets the box; Decrease(α) = Σ_{r_i≤α} r_i·w_i² + α·Σ_{r_i>α} w_i²
        var r = new double[n];
        var order = new int[n];
        int m = 0;
        double free = 0;
        for (int i = 0; i < n; i++)
        {
            double wi = sign * w[i];
            if (Math.Abs(wi) < 1e-8) { r[i] = double.PositiveInfinity; continue; }
            r[i] = Math.Max(t[i] / wi, (t[i] - 1.0) / wi);
            free += wi * wi;
            order[m++] = i;
        }
        var keys = new double[m];
        for (int j = 0; j < m; j++) keys[j] = r[order[j]];
        Array.Sort(keys, order, 0, m);
        double alpha = double.NaN, clipped = 0;
        for (int j = 0; j < m && free > 0; j++)
        {
            int i = order[j];
            double w2 = (double)w[i] * w[i];
            if (clipped + r[i] * free >= c)
            {
                alpha = Math.Max((c - clipped) / free, 0);
                break;
            }
            clipped += r[i] * w2;
            free -= w2;
        }
        for (int i = 0; i < n; i++)
        {
            double wi = sign * w[i];
            if (Math.Abs(wi) < 1e-8) { d[i] = 0; continue; }
            double a = double.IsNaN(alpha) ? r[i] : Math.Min(alpha, r[i]);
            d[i] = -a * wi;
        }
    }
}
