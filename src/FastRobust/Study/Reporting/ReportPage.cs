using System.Globalization;
using System.Net;
using System.Text;
using FastRobust.Tables;

namespace FastRobust.Study.Reporting;

/// <summary>
/// The report's index.html: one static page with its styles inline and its figures as PNG files beside it
/// (<c>figures/</c>), no script and nothing fetched from a network, so it opens from a laptop, a cluster's file
/// browser or an archive alike.
/// </summary>
public static class ReportPage
{
    public const string FiguresFolder = "figures";

    private const string Style = """
        body { font-family: "DejaVu Sans", "Helvetica Neue", Arial, sans-serif; margin: 2em auto; max-width: 1100px; color: #222; line-height: 1.45; padding: 0 1em; }
        h1 { font-size: 1.7em; margin-bottom: 0.2em; } h2 { border-bottom: 1px solid #ccc; padding-bottom: 0.2em; margin-top: 2em; }
        .meta { color: #555; } code { background: #f3f3f3; padding: 0 0.25em; }
        table { border-collapse: collapse; font-size: 0.85em; margin: 1em 0; display: block; overflow-x: auto; }
        th, td { border: 1px solid #ddd; padding: 0.25em 0.5em; } td { white-space: nowrap; } th { background: #f5f5f5; position: sticky; top: 0; }
        td.n { text-align: right; font-variant-numeric: tabular-nums; } tr:nth-child(even) td { background: #fafafa; }
        figure { margin: 1.5em 0; } figure img { max-width: 100%; height: auto; border: 1px solid #eee; }
        figcaption { color: #444; font-size: 0.92em; max-width: 60em; }
        nav ul { columns: 2; }
        """;

    public static string Render(StudyTables t, Table summary, IReadOnlyList<StudyReport.Row> strongest, IReadOnlyList<ReportFigure> figures,
        IReadOnlyList<string> exports)
    {
        string name = Path.GetFileName(Path.GetFullPath(t.Directory).TrimEnd(Path.DirectorySeparatorChar));
        var sections = new List<string> { "Models" };
        sections.AddRange(figures.Select(f => f.Section).Distinct());
        if (strongest.Count > 0 && !sections.Contains(PredictorFigures.Section)) sections.Add(PredictorFigures.Section);
        if (exports.Count > 0) sections.Add("Tables");

        var b = new StringBuilder();
        b.Append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n")
         .Append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n")
         .Append($"<title>Study report: {H(name)}</title>\n<style>\n{Style}</style>\n</head>\n<body>\n")
         .Append($"<h1>Study report: {H(name)}</h1>\n")
         .Append($"<p class=\"meta\">{t.ModelIds.Count} models; conditions: {H(Conditions(t))}. ")
         .Append($"Made by <code>./run.sh report {H(name)}</code> from the study's Parquet tables.</p>\n")
         .Append("<nav><ul>\n");
        foreach (var s in sections) b.Append($"<li><a href=\"#{Anchor(s)}\">{H(s)}</a></li>\n");
        b.Append("</ul></nav>\n");

        b.Append($"<h2 id=\"{Anchor("Models")}\">Models</h2>\n")
         .Append("<p>Accuracy in percent: clean (the full clean evaluation set), under each attack and ε and each noise σ (on the ")
         .Append("attacked images), and the mean over all corruptions and severities. Each notion is its mean over the model's ")
         .Append("non-clean conditions (docs/study.md defines them).</p>\n");
        AppendSummary(b, summary);

        foreach (var section in sections.Skip(1).Where(s => s != "Tables"))
        {
            b.Append($"<h2 id=\"{Anchor(section)}\">{H(section)}</h2>\n");
            if (section == PredictorFigures.Section) AppendPredictors(b, strongest);
            foreach (var f in figures.Where(f => f.Section == section))
                b.Append($"<figure id=\"{Anchor(f.File)}\"><img src=\"{FiguresFolder}/{H(f.File)}\" alt=\"{H(f.Title)}\">")
                 .Append($"<figcaption>{H(f.Caption)}</figcaption></figure>\n");
        }
        if (exports.Count > 0)
        {
            b.Append($"<h2 id=\"{Anchor("Tables")}\">Tables</h2>\n<p>Every table of the study, exported for tools without Parquet:</p>\n<ul>\n");
            foreach (var e in exports) b.Append($"<li><a href=\"{H(e)}\">{H(e)}</a></li>\n");
            b.Append("</ul>\n");
        }
        b.Append("</body>\n</html>\n");
        return b.ToString();
    }

    private static string Conditions(StudyTables t) =>
        string.Join(", ", t.Rows.Select(r => r.Kind == "shift" ? "corruptions" : r.Condition).Distinct());

    private static void AppendSummary(StringBuilder b, Table summary)
    {
        var shown = summary.ColumnNames.Where(c => c != "model").ToList();
        b.Append("<table>\n<thead><tr>");
        foreach (var c in shown) b.Append($"<th>{H(Header(c))}</th>");
        b.Append("</tr></thead>\n<tbody>\n");
        for (int i = 0; i < summary.Rows; i++)
        {
            b.Append("<tr>");
            foreach (var c in shown)
            {
                string? text = summary.Column(c) switch
                {
                    double?[] d when c.StartsWith("acc_", StringComparison.Ordinal) || c.EndsWith("accuracy", StringComparison.Ordinal) =>
                        d[i] is double x ? (100 * x).ToString("0.0", CultureInfo.InvariantCulture) : "—",
                    double?[] d => d[i] is double x ? x.ToString("G4", CultureInfo.InvariantCulture) : "—",
                    _ => StudyTables.Cell(summary, c, i),
                };
                bool numeric = summary.Column(c) is double?[] or long[];
                b.Append(numeric ? $"<td class=\"n\">{H(text ?? "—")}</td>" : $"<td>{H(text ?? "—")}</td>");
            }
            b.Append("</tr>\n");
        }
        b.Append("</tbody></table>\n");
    }

    /// <summary>A summary column's header as people read it: "pgd ε 0.0314 (8/255)", "mean relative_accuracy_drop".</summary>
    public static string Header(string column)
    {
        if (column.StartsWith("acc_", StringComparison.Ordinal))
        {
            foreach (var (key, symbol) in new[] { ("_eps_", "ε"), ("_sigma_", "σ") })
            {
                int at = column.LastIndexOf(key, StringComparison.Ordinal);
                if (at > 4 && double.TryParse(column[(at + key.Length)..], NumberStyles.Float, CultureInfo.InvariantCulture, out double level))
                    return $"{column[4..at]} {symbol} {StudyTables.LevelText(level)} (%)";
            }
        }
        return column switch
        {
            "clean_accuracy" => "clean (%)",
            "mean_corruption_accuracy" => "corruptions, mean (%)",
            _ => column.Replace('_', ' '),
        };
    }

    private static void AppendPredictors(StringBuilder b, IReadOnlyList<StudyReport.Row> strongest)
    {
        if (strongest.Count == 0)
        {
            b.Append("<p>No correlations: a study needs at least 3 models with measures and a non-clean condition.</p>\n");
            return;
        }
        b.Append("<p>For each notion, the measures with the largest mean |Kendall τ| over the non-clean conditions, with the ")
         .Append("figures at the condition where each is strongest (τ's 95 % bootstrap interval over models; ρ Spearman, r Pearson, ")
         .Append("Ψ granulated Kendall).</p>\n<table>\n<thead><tr><th>notion</th><th>measure</th><th>condition</th><th>τ</th>")
         .Append("<th>95 % interval</th><th>ρ</th><th>r</th><th>Ψ</th><th>n</th></tr></thead>\n<tbody>\n");
        foreach (var r in strongest)
        {
            string cond = r.Level is double l ? $"{r.Condition} {StudyTables.LevelText(l)}" : r.Condition;
            b.Append($"<tr><td>{H(r.Notion)}</td><td>{H(r.Measure)}</td><td>{H(cond)}</td><td class=\"n\">{PredictorFigures.Signed(r.Tau)}</td>")
             .Append($"<td class=\"n\">[{PredictorFigures.Signed(r.TauLo)}, {PredictorFigures.Signed(r.TauHi)}]</td>")
             .Append($"<td class=\"n\">{PredictorFigures.Signed(r.Rho)}</td><td class=\"n\">{PredictorFigures.Signed(r.R)}</td>")
             .Append($"<td class=\"n\">{PredictorFigures.Signed(r.Granulated)}</td><td class=\"n\">{r.N}</td></tr>\n");
        }
        b.Append("</tbody></table>\n");
    }

    private static string Anchor(string s) => new string(s.ToLowerInvariant().Select(c => char.IsAsciiLetterOrDigit(c) ? c : '-').ToArray());

    private static string H(string s) => WebUtility.HtmlEncode(s);
}
