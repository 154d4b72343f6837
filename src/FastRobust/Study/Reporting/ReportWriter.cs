using FastRobust.Tables;
using FastRobust.Util;

namespace FastRobust.Study.Reporting;

/// <summary>
/// Writes a study's report folder: <c>index.html</c>, its figures in <c>figures/</c>, and, when asked, every table in
/// <c>tables/</c> as CSV, JSON or Markdown. The folder is built beside its destination and renamed into place, so a
/// failure leaves the previous report (or none), never half of one.
/// </summary>
public static class ReportWriter
{
    public sealed record Result(string Directory, Table Summary, List<StudyReport.Row> Strongest, List<ReportFigure> Figures, List<string> Exports);

    /// <summary>The tables exported besides the study's own: the per-model summary and the strongest predictors.</summary>
    public const string SummaryName = "model_summary", PredictorsName = "predictors";

    /// <summary>Refuses an output folder that holds something other than a report, before any work.</summary>
    public static string CheckOutput(string outDir, string option)
    {
        string full = OutputPath.CheckDirectory(outDir, option);
        if (Directory.Exists(full) && Directory.EnumerateFileSystemEntries(full).Any() && !File.Exists(Path.Combine(full, "index.html")))
            throw new InputException($"{option} {outDir}: exists and is not a report folder (no index.html); it would be replaced");
        return full;
    }

    public static Result Write(StudyTables t, string outDir, int top, IReadOnlyList<ExportFormat> formats)
    {
        string full = Path.GetFullPath(outDir);
        string parent = Path.GetDirectoryName(full)!;
        Directory.CreateDirectory(parent);
        string work = Path.Combine(parent, $".{Path.GetFileName(full)}.{Environment.ProcessId}.{Guid.NewGuid():N}.tmp");
        try
        {
            string figuresDir = Path.Combine(work, ReportPage.FiguresFolder);
            Directory.CreateDirectory(figuresDir);
            var summary = ModelSummary.Build(t);
            var strongest = t.Strongest(top);
            var figures = new List<ReportFigure>();
            figures.AddRange(AccuracyFigures.Curves(t, figuresDir));
            figures.AddRange(AccuracyFigures.TradeOff(t, figuresDir));
            figures.AddRange(PredictorFigures.Heatmap(t, figuresDir));
            figures.AddRange(PredictorFigures.Scatters(t, figuresDir, Math.Min(top, 3)));
            figures.AddRange(ShiftFigures.All(t, figuresDir));
            figures.AddRange(RobustTrainingFigures.All(t, figuresDir));

            var exports = new List<string>();
            if (formats.Count > 0)
            {
                var tables = t.All.Select(kv => (kv.Key, kv.Value)).ToList();
                tables.Add((SummaryName, summary));
                tables.Add((PredictorsName, PredictorsTable(strongest)));
                foreach (var format in formats.Distinct())
                foreach (var (name, table) in tables)
                {
                    string rel = $"tables/{name}{TableExport.Extension(format)}";
                    TableExport.Write(table, Path.Combine(work, rel), format);
                    exports.Add(rel);
                }
            }
            AtomicFile.WriteAllText(Path.Combine(work, "index.html"), ReportPage.Render(t, summary, strongest, figures, exports));

            if (Directory.Exists(full)) Directory.Delete(full, recursive: true);
            Directory.Move(work, full);
            return new Result(full, summary, strongest, figures, exports);
        }
        catch (IOException e)
        {
            throw new InputException($"{outDir}: cannot write the report: {e.Message}", e);
        }
        finally
        {
            if (Directory.Exists(work)) Directory.Delete(work, recursive: true);
        }
    }

    /// <summary>The strongest predictors of each notion as a table (the page's and the terminal's list).</summary>
    public static Table PredictorsTable(IReadOnlyList<StudyReport.Row> rows) => new Table()
        .Add("notion", rows.Select(r => (string?)r.Notion).ToArray())
        .Add("rank", rows.GroupBy(r => r.Notion).SelectMany(g => g.Select((_, i) => (long)i + 1)).ToArray())
        .Add("measure", rows.Select(r => (string?)r.Measure).ToArray())
        .Add("condition", rows.Select(r => (string?)r.Condition).ToArray())
        .Add("level", rows.Select(r => r.Level).ToArray())
        .Add("n", rows.Select(r => r.N).ToArray())
        .Add("kendall_tau", rows.Select(r => (double?)r.Tau).ToArray())
        .Add("kendall_tau_lo", rows.Select(r => r.TauLo).ToArray())
        .Add("kendall_tau_hi", rows.Select(r => r.TauHi).ToArray())
        .Add("spearman_rho", rows.Select(r => r.Rho).ToArray())
        .Add("pearson_r", rows.Select(r => r.R).ToArray())
        .Add("granulated_kendall", rows.Select(r => r.Granulated).ToArray());
}
