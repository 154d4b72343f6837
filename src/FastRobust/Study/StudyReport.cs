using System.Globalization;
using System.Text;
using FastRobust.Tables;
using FastRobust.Util;

namespace FastRobust.Study;

/// <summary>The strongest predictors of each robustness notion, from a study directory's correlations table.</summary>
public static class StudyReport
{
    public sealed record Row(string Notion, string Condition, double? Level, string Measure, long N, double Tau, double? TauLo, double? TauHi,
        double? Rho, double? R, double? Granulated);

    /// <summary>
    /// For each notion, the <paramref name="top"/> measures with the largest mean |Kendall τ| over the non-clean
    /// conditions, with the τ, ρ, r and Ψ of the condition where that measure's |τ| is largest.
    /// </summary>
    public static List<Row> Strongest(string dir, int top)
    {
        string path = Path.Combine(dir, "correlations.parquet");
        if (!File.Exists(path)) throw new InputException($"{dir}: no correlations.parquet (run a study into this directory first)");
        var t = Table.Read(path);
        var rows = new List<Row>();
        if (t.Rows <= 0) return rows;
        var measure = t.Strings("measure");
        var notion = t.Strings("notion");
        var cond = t.Strings("condition");
        var level = (double?[])t.Column("level");
        var n = (long[])t.Column(t.Has("n_models") ? "n_models" : "n");
        var tau = t.Doubles("kendall_tau");
        var lo = (double?[])t.Column("kendall_tau_lo");
        var hi = (double?[])t.Column("kendall_tau_hi");
        var rho = (double?[])t.Column("spearman_rho");
        var r = (double?[])t.Column("pearson_r");
        var psi = (double?[])t.Column("granulated_kendall");
        foreach (var byNotion in Enumerable.Range(0, t.Rows).Where(i => !double.IsNaN(tau[i])).GroupBy(i => notion[i]!))
        {
            var best = byNotion.GroupBy(i => measure[i]!)
                .Select(g => (Mean: g.Average(i => Math.Abs(tau[i])), Peak: g.MaxBy(i => Math.Abs(tau[i]))))
                .OrderByDescending(x => x.Mean).Take(top);
            foreach (var (_, i) in best)
                rows.Add(new Row(notion[i]!, cond[i]!, level[i], measure[i]!, n[i], tau[i], lo[i], hi[i], rho[i], r[i], psi[i]));
        }
        return rows;
    }

    /// <summary>The small-sample warning of a study directory's correlations (<see cref="Correlations.SmallSampleWarning"/>), or null.</summary>
    public static string? Warning(string dir)
    {
        string path = Path.Combine(dir, "correlations.parquet");
        return File.Exists(path) ? Correlations.SmallSampleWarning(Table.Read(path)) : null;
    }

    public static string Format(List<Row> rows)
    {
        if (rows.Count == 0) return "no correlations yet (a study needs at least 3 models with measures and a non-clean condition)";
        var b = new StringBuilder();
        static string F(double? v) => v is double d ? d.ToString("+0.00;-0.00", CultureInfo.InvariantCulture) : "   —";
        foreach (var g in rows.GroupBy(x => x.Notion))
        {
            b.AppendLine($"{g.Key}: strongest predictors (mean |Kendall τ| over conditions; figures at the strongest condition)");
            b.AppendLine($"  {"measure",-40} {"condition",-16} {"τ",6} {"95% CI",-15} {"ρ",6} {"r",6} {"Ψ",6} {"n",4}");
            foreach (var x in g)
            {
                string c = x.Level is double l ? $"{x.Condition} {l.ToString("G3", CultureInfo.InvariantCulture)}" : x.Condition;
                b.AppendLine($"  {x.Measure,-40} {c,-16} {F(x.Tau),6} [{F(x.TauLo)}, {F(x.TauHi)}] {F(x.Rho),6} {F(x.R),6} {F(x.Granulated),6} {x.N,4}");
            }
        }
        return b.ToString();
    }
}
