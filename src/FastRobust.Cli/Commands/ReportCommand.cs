using System.CommandLine;
using FastRobust.Study;
using FastRobust.Study.Reporting;
using FastRobust.Tables;

namespace FastRobust.Cli.Commands;

/// <summary>
/// ./run.sh report DIR: a study's per-model table and strongest predictors on the terminal, and its report page
/// (DIR/report/index.html with figures), optionally every table exported as CSV, JSON or Markdown.
/// </summary>
public static class ReportCommand
{
    public static Command Create()
    {
        var dir = new Argument<string>("DIR") { Description = "A study directory (its models, evaluations, measures and correlations tables)" };
        var top = new Option<int>("--top") { Description = "Predictors per notion listed (the page draws the first 3 of each)", DefaultValueFactory = _ => 5 };
        var format = new Option<string[]>("--format")
        {
            Description = "Also export every table (the study's, the per-model summary, the predictors) to REPORT/tables/ as csv, json or " +
                "markdown; repeat or separate with commas for several",
            AllowMultipleArgumentsPerToken = true,
        };
        var output = new Option<string?>("--out") { Description = "The report folder (default: DIR/report); replaced as a whole" };
        var noPage = new Option<bool>("--no-page") { Description = "Print the summary only: write no page, figures or exports" };
        var cmd = new Command("report",
            "Summarise a finished study: each model's clean and robust accuracy, the measures that best predict each robustness notion, " +
            "and a static HTML page of figures (accuracy against ε, clean against robust accuracy, predictor scatter plots, the τ heatmap, " +
            "accuracy under corruptions, robust training) in DIR/report/index.html")
            { dir, top, format, output, noPage };
        cmd.SetAction(r =>
        {
            var stdout = r.InvocationConfiguration.Output;
            string studyDir = r.GetValue(dir)!;
            int topN = CommonOptions.Positive(r.GetValue(top), "--top");
            var formats = (r.GetValue(format) ?? []).SelectMany(f => f.Split(',', StringSplitOptions.RemoveEmptyEntries))
                .Select(f => TableExport.Parse(f, "--format")).Distinct().ToList();
            bool page = !r.GetValue(noPage);
            if (!page && formats.Count > 0) throw new Util.InputException("--format writes into the report folder; it cannot be combined with --no-page");
            string outDir = r.GetValue(output) ?? Path.Combine(studyDir, "report");
            var tables = StudyTables.Read(studyDir);
            if (page) outDir = ReportWriter.CheckOutput(outDir, "--out");

            var summary = ModelSummary.Build(tables);
            stdout.WriteLine(ModelSummary.Format(summary, tables));
            stdout.WriteLine(StudyReport.Format(tables.Strongest(topN)));
            if (!page) return 0;
            var result = ReportWriter.Write(tables, outDir, topN, formats);
            stdout.WriteLine($"report: {Path.Combine(result.Directory, "index.html")} ({result.Figures.Count} figures" +
                (result.Exports.Count > 0 ? $", {result.Exports.Count} exported tables in {Path.Combine(result.Directory, "tables")})" : ")"));
            return 0;
        });
        return cmd;
    }
}
