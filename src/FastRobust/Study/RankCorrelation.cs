using FastRobust.Random;

namespace FastRobust.Study;

/// <summary>
/// The correlation coefficients of the study report, in double precision: Kendall's τ-b (ties counted as in
/// scipy.stats.kendalltau), Spearman's ρ (Pearson on average ranks), Pearson's r, percentile bootstrap intervals,
/// and the granulated Kendall coefficient of Jiang et al. 2020 (§4, "granulated Kendall's rank correlation").
/// </summary>
public static class RankCorrelation
{
    public static double KendallTauB(IReadOnlyList<double> x, IReadOnlyList<double> y)
    {
        int n = x.Count;
        if (n < 2) return double.NaN;
        long concordant = 0, discordant = 0, tiesX = 0, tiesY = 0;
        for (int i = 0; i < n; i++)
        for (int j = i + 1; j < n; j++)
        {
            int sx = Math.Sign(x[i] - x[j]), sy = Math.Sign(y[i] - y[j]);
            if (sx == 0 && sy == 0) { tiesX++; tiesY++; }
            else if (sx == 0) tiesX++;
            else if (sy == 0) tiesY++;
            else if (sx == sy) concordant++;
            else discordant++;
        }
        double pairs = n * (n - 1) / 2.0;
        double denom = Math.Sqrt((pairs - tiesX) * (pairs - tiesY));
        return denom == 0 ? double.NaN : (concordant - discordant) / denom;
    }

    public static double Pearson(IReadOnlyList<double> x, IReadOnlyList<double> y)
    {
        int n = x.Count;
        if (n < 2) return double.NaN;
        double mx = x.Average(), my = y.Average(), sxy = 0, sxx = 0, syy = 0;
        for (int i = 0; i < n; i++)
        {
            double dx = x[i] - mx, dy = y[i] - my;
            sxy += dx * dy;
            sxx += dx * dx;
            syy += dy * dy;
        }
        return sxx == 0 || syy == 0 ? double.NaN : sxy / Math.Sqrt(sxx * syy);
    }

    public static double Spearman(IReadOnlyList<double> x, IReadOnlyList<double> y) => Pearson(Ranks(x), Ranks(y));

    /// <summary>1-based ranks, ties given their average rank.</summary>
    public static double[] Ranks(IReadOnlyList<double> v)
    {
        int n = v.Count;
        // a stable sort of the indices by value (Array.Sort is unstable, so ties are broken by index: the same order
        // as a stable OrderBy, without its allocations; the bootstrap calls this a thousand times per correlation)
        var order = new int[n];
        for (int i = 0; i < n; i++) order[i] = i;
        Array.Sort(order, (a, b) => { int c = v[a].CompareTo(v[b]); return c != 0 ? c : a.CompareTo(b); });
        var ranks = new double[n];
        for (int i = 0; i < n;)
        {
            int j = i;
            while (j + 1 < n && v[order[j + 1]] == v[order[i]]) j++;
            double r = (i + j) / 2.0 + 1;
            for (int k = i; k <= j; k++) ranks[order[k]] = r;
            i = j + 1;
        }
        return ranks;
    }

    /// <summary>
    /// A 95 % interval for Kendall's τ that stays honest at small n: τ = 2p − 1, where p is the share of concordant
    /// pairs, and p gets a Wilson score interval with the effective number of pairs n_eff = 9n(n−1) / (2(2n+5)), the
    /// number that gives p̂ the variance τ̂ has under independence (Kendall 1938: Var τ = 2(2n+5) / (9n(n−1))).
    /// Unlike a percentile bootstrap it is never a single point: three models ranked alike give τ = 1 with the
    /// interval [−0.22, 1], which contains 0 as it must (the exact two-sided p-value is 1/3).
    /// </summary>
    public static (double Lo, double Hi) KendallWilson(double tau, int n, double z = 1.959963984540054)
    {
        if (n < 3 || double.IsNaN(tau)) return (double.NaN, double.NaN);
        double m = 9.0 * n * (n - 1) / (2.0 * (2 * n + 5));
        double p = (1 + tau) / 2, z2 = z * z;
        double centre = (p + z2 / (2 * m)) / (1 + z2 / m);
        double half = z / (1 + z2 / m) * Math.Sqrt(p * (1 - p) / m + z2 / (4 * m * m));
        return (Math.Max(-1, 2 * (centre - half) - 1), Math.Min(1, 2 * (centre + half) - 1));
    }

    /// <summary>
    /// Percentile bootstrap interval (2.5 %, 97.5 % by default) of a statistic over pairs resampled with
    /// replacement; resamples where the statistic is undefined are skipped. Deterministic from the seed.
    /// </summary>
    public static (double Lo, double Hi) Bootstrap(IReadOnlyList<double> x, IReadOnlyList<double> y,
        Func<IReadOnlyList<double>, IReadOnlyList<double>, double> statistic, int resamples, ulong seed, double level = 0.95)
    {
        int n = x.Count;
        if (n < 3) return (double.NaN, double.NaN);
        var rng = new PhiloxStream(seed, 0xB007_5742);
        var values = new List<double>(resamples);
        var bx = new double[n];
        var by = new double[n];
        for (int b = 0; b < resamples; b++)
        {
            for (int i = 0; i < n; i++)
            {
                int k = rng.NextInt(n);
                bx[i] = x[k];
                by[i] = y[k];
            }
            double s = statistic(bx, by);
            if (!double.IsNaN(s)) values.Add(s);
        }
        if (values.Count == 0) return (double.NaN, double.NaN);
        values.Sort();
        double a = (1 - level) / 2;
        return (Quantile(values, a), Quantile(values, 1 - a));
    }

    private static double Quantile(List<double> sorted, double q)
    {
        double pos = q * (sorted.Count - 1);
        int lo = (int)Math.Floor(pos), hi = Math.Min(sorted.Count - 1, lo + 1);
        return sorted[lo] + (pos - lo) * (sorted[hi] - sorted[lo]);
    }

    /// <summary>
    /// Jiang et al.'s granulated Kendall coefficient Ψ: for each hyperparameter axis i, ψᵢ is the mean Kendall τ over
    /// the groups of models that agree on every other axis (and seed) and differ only in axis i; Ψ is the mean of
    /// the ψᵢ. Groups of one model, and axes without any such group, are skipped. Returns Ψ and the ψᵢ.
    /// </summary>
    public static (double Psi, Dictionary<string, double> PerAxis) GranulatedKendall(
        IReadOnlyList<IReadOnlyDictionary<string, string>> configs, IReadOnlyList<double> measure, IReadOnlyList<double> notion,
        IReadOnlyList<string> axes)
    {
        var perAxis = new Dictionary<string, double>();
        foreach (string axis in axes)
        {
            var groups = new Dictionary<string, List<int>>();
            for (int m = 0; m < configs.Count; m++)
            {
                string key = string.Join("\u0001", configs[m].Where(kv => kv.Key != axis).OrderBy(kv => kv.Key, StringComparer.Ordinal)
                    .Select(kv => kv.Key + "=" + kv.Value));
                if (!groups.TryGetValue(key, out var list)) groups[key] = list = new List<int>();
                list.Add(m);
            }
            var taus = new List<double>();
            foreach (var g in groups.Values.Where(g => g.Count >= 2))
            {
                double t = KendallTauB(g.Select(i => measure[i]).ToList(), g.Select(i => notion[i]).ToList());
                if (!double.IsNaN(t)) taus.Add(t);
            }
            if (taus.Count > 0) perAxis[axis] = taus.Average();
        }
        return (perAxis.Count == 0 ? double.NaN : perAxis.Values.Average(), perAxis);
    }
}
