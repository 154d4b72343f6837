using System.Globalization;
using System.Text;
using FastRobust.Tables;

namespace FastRobust.Attacks;

/// <summary>Mean and median of one per-sample quantity over a set of samples (NaN when the set is empty).</summary>
public readonly record struct MeanMedian(double Mean, double Median)
{
    public static MeanMedian Of(IEnumerable<double> values)
    {
        var v = values.OrderBy(x => x).ToArray();
        if (v.Length == 0) return new(double.NaN, double.NaN);
        double median = v.Length % 2 == 1 ? v[v.Length / 2] : (v[v.Length / 2 - 1] + v[v.Length / 2]) / 2;
        return new(v.Average(), median);
    }
}

/// <summary>
/// The per-run figures of an attack: clean accuracy, robust accuracy (share of all samples still classified
/// correctly on the returned image), success rate (share of the attacked samples on which the attack succeeded),
/// and mean and median perturbation norms, steps and queries over the successful attacked samples (queries and
/// survived steps also over all attacked samples).
/// </summary>
public sealed record AttackSummary(
    string Attack, float? Epsilon, string Target, string Options, int Samples, double CleanAccuracy, double RobustAccuracy,
    int Attacked, int Successes, double SuccessRate,
    MeanMedian L0, MeanMedian L1, MeanMedian L2, MeanMedian Linf, MeanMedian Steps, MeanMedian Queries,
    MeanMedian QueriesAttacked, MeanMedian SurvivedStepsAttacked)
{
    public static AttackSummary Of(AttackResult r)
    {
        int n = r.Count;
        var attacked = Enumerable.Range(0, n).Where(i => r.Attacked[i]).ToArray();
        var won = attacked.Where(i => r.Success[i]).ToArray();
        double Share(Func<int, bool> f) => n == 0 ? double.NaN : (double)Enumerable.Range(0, n).Count(f) / n;
        string target = r.Targets is null ? "none" : "targeted";
        return new AttackSummary(r.Attack, r.Epsilon, target, r.Options, n,
            Share(r.CleanCorrect), Share(r.Robust), attacked.Length, won.Length,
            attacked.Length == 0 ? double.NaN : (double)won.Length / attacked.Length,
            MeanMedian.Of(won.Select(i => r.L0[i])), MeanMedian.Of(won.Select(i => r.L1[i])),
            MeanMedian.Of(won.Select(i => r.L2[i])), MeanMedian.Of(won.Select(i => r.Linf[i])),
            MeanMedian.Of(won.Select(i => (double)r.Steps[i])), MeanMedian.Of(won.Select(i => (double)r.Queries[i])),
            MeanMedian.Of(attacked.Select(i => (double)r.Queries[i])),
            MeanMedian.Of(attacked.Select(i => (double)r.SurvivedSteps(i))));
    }

    private static string F(double v, string format = "F4") =>
        double.IsNaN(v) ? "n/a" : v.ToString(format, CultureInfo.InvariantCulture);

    /// <summary>The run summary the attack verb prints.</summary>
    public string Format()
    {
        var sb = new StringBuilder();
        string eps = Epsilon is float e ? e.ToString("G6", CultureInfo.InvariantCulture) : "unbounded";
        sb.AppendLine($"attack {Attack}, eps {eps}, {(Target == "none" ? "untargeted" : "targeted")}, {Samples} samples");
        sb.AppendLine($"  settings          {Options}");
        sb.AppendLine($"  clean accuracy    {F(CleanAccuracy * 100, "F2")} %");
        sb.AppendLine($"  robust accuracy   {F(RobustAccuracy * 100, "F2")} %");
        sb.AppendLine($"  success rate      {F(SuccessRate * 100, "F2")} % ({Successes} of {Attacked} attacked)");
        sb.AppendLine($"  over successes    {"mean",12} {"median",12}");
        void Row(string name, MeanMedian m, string fmt = "F4") => sb.AppendLine($"    {name,-16}{F(m.Mean, fmt),12} {F(m.Median, fmt),12}");
        Row("L0 (pixels)", L0, "F1");
        Row("L1", L1);
        Row("L2", L2);
        Row("Linf", Linf);
        Row("steps", Steps, "F1");
        Row("queries", Queries, "F1");
        sb.AppendLine("  over attacked samples");
        Row("queries", QueriesAttacked, "F1");
        Row("survived steps", SurvivedStepsAttacked, "F1");
        return sb.ToString();
    }

    /// <summary>One row for an evaluations table (with a leading model column when <paramref name="model"/> is given).</summary>
    public Table ToTable(string? model = null)
    {
        var t = new Table();
        if (model != null) t.Add("model", new string?[] { model });
        t.Add("attack", new string?[] { Attack });
        t.Add("epsilon", new double?[] { Epsilon is float e ? e : null });
        t.Add("target", new string?[] { Target });
        t.Add("samples", new long[] { Samples });
        t.Add("clean_accuracy", new[] { N(CleanAccuracy) });
        t.Add("robust_accuracy", new[] { N(RobustAccuracy) });
        t.Add("attacked", new long[] { Attacked });
        t.Add("successes", new long[] { Successes });
        t.Add("success_rate", new[] { N(SuccessRate) });
        foreach (var (name, m) in new[] { ("l0", L0), ("l1", L1), ("l2", L2), ("linf", Linf), ("steps", Steps), ("queries", Queries) })
        {
            t.Add($"mean_{name}", new[] { N(m.Mean) });
            t.Add($"median_{name}", new[] { N(m.Median) });
        }
        t.Add("mean_queries_attacked", new[] { N(QueriesAttacked.Mean) });
        t.Add("mean_survived_steps_attacked", new[] { N(SurvivedStepsAttacked.Mean) });
        t.Add("options", new string?[] { Options });
        return t;
    }

    private static double? N(double v) => double.IsFinite(v) ? v : null;

    /// <summary>
    /// The per-sample table ("samples" in docs/study.md): one row per sample with its index, label, target (−1 when
    /// untargeted), clean and final prediction, whether it was attacked and the attack succeeded, steps, survived
    /// steps, queries, gradients and the perturbation's L0 (pixels), L1, L2 and L∞ norms.
    /// </summary>
    public static Table SampleTable(AttackResult r, string? model = null)
    {
        int n = r.Count;
        var idx = Enumerable.Range(0, n).ToArray();
        var t = new Table();
        if (model != null) t.Add("model", idx.Select(_ => (string?)model).ToArray());
        t.Add("attack", idx.Select(_ => (string?)r.Attack).ToArray());
        t.Add("epsilon", idx.Select(_ => r.Epsilon is float e ? (double?)e : null).ToArray());
        t.Add("sample", idx.Select(i => r.SampleOffset + i).ToArray());
        t.Add("label", idx.Select(i => (long)r.Labels[i]).ToArray());
        t.Add("target", idx.Select(i => r.Targets is null ? -1L : r.Targets[i]).ToArray());
        t.Add("clean_prediction", idx.Select(i => (long)r.CleanPrediction[i]).ToArray());
        t.Add("adv_prediction", idx.Select(i => (long)r.Prediction[i]).ToArray());
        t.Add("clean_correct", idx.Select(r.CleanCorrect).ToArray());
        t.Add("attacked", r.Attacked.ToArray());
        t.Add("success", r.Success.ToArray());
        t.Add("steps", idx.Select(i => (long)r.Steps[i]).ToArray());
        t.Add("survived_steps", idx.Select(i => (long)r.SurvivedSteps(i)).ToArray());
        t.Add("queries", r.Queries.ToArray());
        t.Add("gradients", r.Gradients.ToArray());
        t.Add("l0", r.L0.ToArray());
        t.Add("l1", r.L1.ToArray());
        t.Add("l2", r.L2.ToArray());
        t.Add("linf", r.Linf.ToArray());
        return t;
    }
}
