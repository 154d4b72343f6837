using System.Globalization;
using System.Text;
using FastRobust.Tables;

namespace FastRobust.Study.Reporting;

/// <summary>
/// The per-model table of a study: one row per model with its clean accuracy, its accuracy under each attack and ε and
/// each noise σ, its mean accuracy over the corruptions, and each robustness notion's mean over the non-clean
/// conditions. Column names: <c>acc_ATTACK_eps_LEVEL</c>, <c>acc_NOISE_sigma_LEVEL</c>, <c>mean_corruption_accuracy</c>,
/// <c>mean_NOTION</c>.
/// </summary>
public static class ModelSummary
{
    /// <summary>The models-table columns copied into the summary when present, to say what each model is.</summary>
    private static readonly string[] Identity = ["family", "architecture", "parameters", "adversarial", "train_eps", "noise_sigma"];

    public static Table Build(StudyTables t)
    {
        var ids = t.ModelIds;
        var labels = ModelSeries.Labels(t);
        var table = new Table()
            .Add("model", ids.Select(id => (string?)id).ToArray())
            .Add("label", ids.Select(id => (string?)labels[id]).ToArray());
        foreach (var column in Identity.Where(t.Models.Has))
        {
            switch (t.Models.Column(column))
            {
                case string?[] s: table.Add(column, s); break;
                case long[] l: table.Add(column, l); break;
                case double?[] d: table.Add(column, d); break;
                case bool[] b: table.Add(column, b); break;
            }
        }
        table.Add("clean_accuracy", ids.Select(id => t.Rows.FirstOrDefault(r => r.Model == id && r.Kind == "clean")?.Accuracy).ToArray());
        foreach (var (cond, level) in t.Levels("attack"))
            table.Add(ColumnName(cond, "eps", level), ids.Select(id => t.Find(id, cond, level)?.Accuracy).ToArray());
        foreach (var (cond, level) in t.Levels("noise"))
            table.Add(ColumnName(cond, "sigma", level), ids.Select(id => t.Find(id, cond, level)?.Accuracy).ToArray());
        if (t.Rows.Any(r => r.Kind == "shift"))
            table.Add("mean_corruption_accuracy", ids.Select(id => Mean(t.Rows.Where(r => r.Model == id && r.Kind == "shift").Select(r => r.Accuracy))).ToArray());
        foreach (var notion in t.Notions)
            table.Add("mean_" + notion, ids.Select(id => Mean(t.Rows.Where(r => r.Model == id && r.Kind != "clean" && r.Notions.ContainsKey(notion))
                .Select(r => r.Notions[notion]))).ToArray());
        return table;
    }

    public static string ColumnName(string condition, string levelName, double level) =>
        $"acc_{condition}_{levelName}_{level.ToString("G6", CultureInfo.InvariantCulture)}";

    private static double? Mean(IEnumerable<double> values)
    {
        var v = values.Where(double.IsFinite).ToList();
        return v.Count == 0 ? null : v.Average();
    }

    /// <summary>The summary for a terminal: accuracies in percent, notions to three decimals, short headers.</summary>
    public static string Format(Table summary, StudyTables t)
    {
        var columns = new List<(string Header, string Column, bool Percent)> { ("clean", "clean_accuracy", true) };
        foreach (var (cond, level) in t.Levels("attack")) columns.Add(($"{cond} {StudyTables.LevelText(level).Split(' ')[0]}", ColumnName(cond, "eps", level), true));
        foreach (var (cond, level) in t.Levels("noise")) columns.Add(($"{cond} σ{StudyTables.LevelText(level)}", ColumnName(cond, "sigma", level), true));
        if (summary.Has("mean_corruption_accuracy")) columns.Add(("corrupt.", "mean_corruption_accuracy", true));
        foreach (var notion in t.Notions) columns.Add((ShortNotion(notion), "mean_" + notion, false));

        var labels = summary.Strings("label");
        int labelWidth = Math.Max(5, labels.Max(l => l?.Length ?? 0));
        var b = new StringBuilder();
        b.AppendLine("per model: accuracy (%) clean, under each attack ε and noise σ, mean over corruptions; notions: mean over non-clean conditions");
        b.Append("  ").Append("model".PadRight(labelWidth));
        foreach (var c in columns) b.Append(' ').Append(c.Header.PadLeft(Math.Max(7, c.Header.Length)));
        b.AppendLine();
        for (int i = 0; i < summary.Rows; i++)
        {
            b.Append("  ").Append((labels[i] ?? "").PadRight(labelWidth));
            foreach (var c in columns)
            {
                double? v = ((double?[])summary.Column(c.Column))[i];
                string text = v is not double x ? "—" : c.Percent ? (100 * x).ToString("0.0", CultureInfo.InvariantCulture)
                    : x.ToString("+0.000;-0.000", CultureInfo.InvariantCulture);
                b.Append(' ').Append(text.PadLeft(Math.Max(7, c.Header.Length)));
            }
            b.AppendLine();
        }
        return b.ToString();
    }

    /// <summary>A notion's name short enough for a column header.</summary>
    public static string ShortNotion(string notion) => notion switch
    {
        "accuracy_gap" => "acc.gap",
        "relative_accuracy_drop" => "rel.drop",
        "log_loss_gap" => "LL gap",
        "relative_log_loss_increase" => "rel.LL+",
        _ => notion,
    };
}
