using FastRobust.Tables;
using FastRobust.Util;

namespace FastRobust.Study;

/// <summary>
/// The correlations table: for every robustness notion under every non-clean condition and level, and every
/// measure, the rank and linear correlations across the zoo with their intervals, the number of models they rest
/// on and whether that is too few, the granulated Kendall coefficient over the hyperparameters that vary, and the
/// conditional mutual information test of Jiang et al. 2020.
/// </summary>
public static class Correlations
{
    public const int BootstrapResamples = 1000;

    /// <summary>
    /// Below this many models a correlation is flagged (column small_sample, and a warning). With n models the 95 %
    /// interval of Kendall's τ under independence is ±1.96·√(2(2n+5)/(9n(n−1))): ±0.50 at n = 10 and wider below, so
    /// under 10 models not even a strong τ of 0.5 can be told from none, let alone the moderate ones (0.3) the
    /// robustness-measure literature reports.
    /// </summary>
    public const int MinModels = 10;

    public static Table Compute(Table models, Table evaluations, Table measures, ulong seed = 0)
    {
        if (models.Rows <= 0 || measures.Rows <= 0 || evaluations.Rows <= 0) return Empty();

        var modelIds = models.Strings("model");
        var hpColumns = models.ColumnNames.Where(c => c.StartsWith("hp_", StringComparison.Ordinal)).ToList();
        var hpTexts = hpColumns.ToDictionary(c => c, c => models.Texts(c));
        var seeds = models.Texts("seed");
        var configs = new Dictionary<string, Dictionary<string, string>>();
        for (int i = 0; i < models.Rows; i++)
        {
            var cfg = hpColumns.ToDictionary(c => c[3..], c => hpTexts[c][i] ?? "");
            cfg["seed"] = seeds[i]!;
            configs[modelIds[i]!] = cfg;
        }
        var axes = hpColumns.Select(c => c[3..]).Where(a => configs.Values.Select(c => c[a]).Distinct().Count() > 1).ToList();
        // the CMI test conditions on hyperparameters, not on the seed (a seed is not a choice a measure could reflect)
        var cmiAxes = axes;
        var cmiCache = new Dictionary<string, ConditionalMutualInformation>();

        // measure name → model → value
        var measureValues = new Dictionary<string, Dictionary<string, double>>();
        var mModel = measures.Strings("model");
        var mName = measures.Strings("measure");
        var mValue = measures.Doubles("value");
        for (int i = 0; i < measures.Rows; i++)
        {
            if (double.IsNaN(mValue[i]) || !IsModelLevel(mName[i]!)) continue;
            if (!measureValues.TryGetValue(mName[i]!, out var d)) measureValues[mName[i]!] = d = new Dictionary<string, double>();
            d[mModel[i]!] = mValue[i];
        }

        var eModel = evaluations.Strings("model");
        var eCond = evaluations.Strings("condition");
        var eKind = evaluations.Strings("kind");
        var eLevel = (double?[])evaluations.Column("level");
        var conditions = Enumerable.Range(0, evaluations.Rows).Where(i => eKind[i] != "clean")
            .Select(i => (eCond[i]!, eLevel[i])).Distinct().ToList();
        // each (condition, notion) is independent and seeded by its own names: computed in parallel, kept in order
        var work = conditions.SelectMany(c => ConditionResult.Notions.Select(nn => (c.Item1, c.Item2, nn))).ToList();
        var parts = new List<(string, string, string, double?, int, double, (double, double), double, (double, double), double, (double, double), double, double, string)>[work.Count];
        var cmiLock = new object();
        Parallel.For(0, work.Count, new ParallelOptions { MaxDegreeOfParallelism = Environment.ProcessorCount }, w =>
        {
            var (cond, level, notion) = work[w];
            var rows = parts[w] = new();
            var notionByModel = new Dictionary<string, double>();
            var values = evaluations.Doubles(notion);
            for (int i = 0; i < evaluations.Rows; i++)
                if (eCond[i] == cond && eLevel[i] == level && !double.IsNaN(values[i])) notionByModel[eModel[i]!] = values[i];
            foreach (var (measure, byModel) in measureValues.OrderBy(kv => kv.Key, StringComparer.Ordinal))
            {
                var ids = notionByModel.Keys.Where(byModel.ContainsKey).OrderBy(id => id, StringComparer.Ordinal).ToList();
                if (ids.Count < 3) continue;
                var x = ids.Select(id => byModel[id]).ToList();
                var y = ids.Select(id => notionByModel[id]).ToList();
                ulong s = seed ^ (ulong)StableHash.Of($"{measure}|{notion}|{cond}|{level}");
                var idConfigs = ids.Select(id => (IReadOnlyDictionary<string, string>)configs[id]).ToList();
                var (psi, _) = RankCorrelation.GranulatedKendall(idConfigs, x, y, axes);
                string key = string.Join("\u0001", ids);
                ConditionalMutualInformation? cmi;
                lock (cmiLock)
                    if (!cmiCache.TryGetValue(key, out cmi)) cmiCache[key] = cmi = new ConditionalMutualInformation(idConfigs, cmiAxes);
                var (cmiValue, cmiSet) = cmi.Score(x, y);
                double tau = RankCorrelation.KendallTauB(x, y);
                rows.Add((measure, notion, cond, level, ids.Count,
                    tau, RankCorrelation.KendallWilson(tau, ids.Count),
                    RankCorrelation.Spearman(x, y), RankCorrelation.Bootstrap(x, y, RankCorrelation.Spearman, BootstrapResamples, s + 1),
                    RankCorrelation.Pearson(x, y), RankCorrelation.Bootstrap(x, y, RankCorrelation.Pearson, BootstrapResamples, s + 2),
                    psi, cmiValue, string.Join(",", cmiSet)));
            }
        });
        var rows = parts.SelectMany(p => p).Select(r => (Measure: r.Item1, Notion: r.Item2, Condition: r.Item3, Level: r.Item4, N: r.Item5,
            Tau: r.Item6, TauCi: r.Item7, Rho: r.Item8, RhoCi: r.Item9, R: r.Item10, RCi: r.Item11, Granulated: r.Item12, Cmi: r.Item13, CmiGiven: r.Item14)).ToList();
        static double? F(double v) => double.IsFinite(v) ? v : null;
        return new Table()
            .Add("measure", rows.Select(r => (string?)r.Measure).ToArray())
            .Add("notion", rows.Select(r => (string?)r.Notion).ToArray())
            .Add("condition", rows.Select(r => (string?)r.Condition).ToArray())
            .Add("level", rows.Select(r => r.Level).ToArray())
            .Add("n_models", rows.Select(r => (long)r.N).ToArray())
            .Add("small_sample", rows.Select(r => r.N < MinModels).ToArray())
            .Add("kendall_tau", rows.Select(r => F(r.Tau)).ToArray())
            .Add("kendall_tau_lo", rows.Select(r => F(r.TauCi.Item1)).ToArray())
            .Add("kendall_tau_hi", rows.Select(r => F(r.TauCi.Item2)).ToArray())
            .Add("spearman_rho", rows.Select(r => F(r.Rho)).ToArray())
            .Add("spearman_rho_lo", rows.Select(r => F(r.RhoCi.Item1)).ToArray())
            .Add("spearman_rho_hi", rows.Select(r => F(r.RhoCi.Item2)).ToArray())
            .Add("pearson_r", rows.Select(r => F(r.R)).ToArray())
            .Add("pearson_r_lo", rows.Select(r => F(r.RCi.Item1)).ToArray())
            .Add("pearson_r_hi", rows.Select(r => F(r.RCi.Item2)).ToArray())
            .Add("granulated_kendall", rows.Select(r => F(r.Granulated)).ToArray())
            .Add("cmi", rows.Select(r => F(r.Cmi)).ToArray())
            .Add("cmi_given", rows.Select(r => (string?)r.CmiGiven).ToArray());
    }

    /// <summary>The warning a study prints when its correlations rest on fewer than <see cref="MinModels"/> models; null otherwise.</summary>
    public static string? SmallSampleWarning(Table correlations)
    {
        if (correlations.Rows <= 0 || !correlations.Has("n_models")) return null;
        var n = (long[])correlations.Column("n_models");
        long fewest = n.Min();
        return fewest >= MinModels ? null
            : $"warning: correlations rest on as few as {fewest} models (fewer than {MinModels}: the 95 % interval of Kendall's τ " +
              "under independence is then wider than ±0.5); read them as anecdotes, not findings (column small_sample)";
    }

    /// <summary>
    /// Whether a measure describes the whole model and so can be compared across a zoo: per-class figures, confusion
    /// cells and per-layer norms (architectures differ in their layers) stay in the measures table but are not correlated.
    /// </summary>
    public static bool IsModelLevel(string measure) =>
        !measure.StartsWith("confusion.", StringComparison.Ordinal) && !measure.Contains(".class", StringComparison.Ordinal)
        && !measure.StartsWith("layer", StringComparison.Ordinal);

    private static Table Empty() => new Table()
        .Add("measure", Array.Empty<string?>()).Add("notion", Array.Empty<string?>()).Add("condition", Array.Empty<string?>())
        .Add("level", Array.Empty<double?>()).Add("n_models", Array.Empty<long>()).Add("small_sample", Array.Empty<bool>())
        .Add("kendall_tau", Array.Empty<double?>()).Add("kendall_tau_lo", Array.Empty<double?>()).Add("kendall_tau_hi", Array.Empty<double?>())
        .Add("spearman_rho", Array.Empty<double?>()).Add("spearman_rho_lo", Array.Empty<double?>()).Add("spearman_rho_hi", Array.Empty<double?>())
        .Add("pearson_r", Array.Empty<double?>()).Add("pearson_r_lo", Array.Empty<double?>()).Add("pearson_r_hi", Array.Empty<double?>())
        .Add("granulated_kendall", Array.Empty<double?>()).Add("cmi", Array.Empty<double?>()).Add("cmi_given", Array.Empty<string?>());
}
