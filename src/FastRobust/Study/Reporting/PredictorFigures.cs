using System.Globalization;
using FastRobust.Imaging;
using FastRobust.Tables;
using ScottPlot;

namespace FastRobust.Study.Reporting;

/// <summary>Which measures predict which robustness notion: the τ heatmap and the strongest predictors' scatter plots.</summary>
public static class PredictorFigures
{
    public const string Section = "Which measures predict robustness";

    /// <summary>At most this many measures in the heatmap (those with the largest |τ|), so its rows stay readable.</summary>
    public const int MaxHeatmapRows = 40;

    /// <summary>Mean Kendall τ over the non-clean conditions, per measure (rows) and notion (columns).</summary>
    public static (double[,] Tau, List<string> Measures, List<string> Notions) MeanTau(Table correlations)
    {
        if (correlations.Rows <= 0) return (new double[0, 0], [], []);
        var measure = correlations.Strings("measure");
        var notion = correlations.Strings("notion");
        var tau = correlations.Doubles("kendall_tau");
        var cells = Enumerable.Range(0, correlations.Rows).Where(i => double.IsFinite(tau[i]))
            .GroupBy(i => (measure[i]!, notion[i]!)).ToDictionary(g => g.Key, g => g.Average(i => tau[i]));
        var notions = ConditionResult.Notions.Where(n => cells.Keys.Any(k => k.Item2 == n))
            .Concat(cells.Keys.Select(k => k.Item2).Distinct().Where(n => !ConditionResult.Notions.Contains(n)).Order()).ToList();
        var measures = cells.Keys.Select(k => k.Item1).Distinct()
            .OrderByDescending(m => notions.Max(n => cells.TryGetValue((m, n), out double v) ? Math.Abs(v) : 0))
            .ThenBy(m => m, StringComparer.Ordinal).Take(MaxHeatmapRows).ToList();
        var grid = new double[measures.Count, notions.Count];
        for (int r = 0; r < measures.Count; r++)
        for (int c = 0; c < notions.Count; c++)
            grid[r, c] = cells.TryGetValue((measures[r], notions[c]), out double v) ? v : double.NaN;
        return (grid, measures, notions);
    }

    public static IEnumerable<ReportFigure> Heatmap(StudyTables t, string dir)
    {
        var (tau, measures, notions) = MeanTau(t.Correlations);
        if (measures.Count == 0) yield break;
        const string title = "Kendall τ between measures and robustness notions";
        var plot = Figure.Create(title, "robustness notion", "measure");
        Figure.Heatmap(plot, tau, measures, notions, -1, 1, "Kendall τ (mean over conditions)");
        int height = Math.Max(420, 150 + 26 * measures.Count);
        int all = t.Correlations.Strings("measure").Distinct().Count();
        string caption = "Each cell is the Kendall τ between a measure and a notion across the models, averaged over the non-clean " +
            "conditions and levels. Red: the measure rises with the notion (a larger value goes with a larger loss of accuracy or " +
            "confidence); blue: it falls. Rows are ordered by their largest |τ|" +
            (all > measures.Count ? $"; the {measures.Count} strongest of {all} measures are shown." : ".");
        yield return FigureKit.Save(plot, dir, "tau-heatmap.png", Section, title, caption, 1000, height);
    }

    /// <summary>For each notion, its <paramref name="top"/> strongest measures as measure-against-notion scatter plots.</summary>
    public static IEnumerable<ReportFigure> Scatters(StudyTables t, string dir, int top)
    {
        var strongest = t.Strongest(top);
        var measureValues = t.MeasureValues();
        foreach (var byNotion in strongest.GroupBy(r => r.Notion))
        {
            int rank = 0;
            foreach (var row in byNotion)
            {
                rank++;
                if (!measureValues.TryGetValue(row.Measure, out var byModel)) continue;
                var ids = t.ModelIds.Where(byModel.ContainsKey)
                    .Where(m => t.Find(m, row.Condition, row.Level)?.Notions.ContainsKey(row.Notion) == true)
                    .OrderBy(m => m, StringComparer.Ordinal).ToList();
                var x = ids.Select(m => byModel[m]).ToList();
                var y = ids.Select(m => t.Find(m, row.Condition, row.Level)!.Notions[row.Notion]).ToList();
                string condition = row.Level is double l ? $"{row.Condition} {StudyTables.LevelText(l)}" : row.Condition;
                var (plot, tau) = Scatter(row.Measure, row.Notion, condition, x, y, row.TauLo, row.TauHi);
                string title = $"{row.Notion} against {row.Measure}";
                string caption = $"One marker per model: {row.Measure} (x) against {row.Notion} under {condition} (y), the condition where " +
                    $"this measure's |τ| is largest; it ranks #{rank} for {row.Notion} by mean |τ| over conditions. Kendall τ = " +
                    $"{Signed(tau)}, 95 % bootstrap interval [{Signed(row.TauLo)}, {Signed(row.TauHi)}], n = {x.Count} models.";
                yield return FigureKit.Save(plot, dir, $"predictor-{FigureKit.Slug(row.Notion)}-{rank}.png", Section, title, caption, 800, 560);
            }
        }
    }

    /// <summary>
    /// A measure-against-notion scatter, one marker per model, titled with the Kendall τ-b of the points drawn (computed
    /// here) and the interval given. Returns the plot and that τ.
    /// </summary>
    public static (Plot Plot, double Tau) Scatter(string measure, string notion, string condition, IReadOnlyList<double> x,
        IReadOnlyList<double> y, double? lo, double? hi)
    {
        double tau = RankCorrelation.KendallTauB(x, y);
        string title = $"{notion} against {measure}\nunder {condition}: Kendall τ = {Signed(tau)} [{Signed(lo)}, {Signed(hi)}], n = {x.Count}";
        var plot = Figure.Create(title, $"{measure} (as measured)", FigureKit.NotionAxis(notion));
        plot.Axes.Title.Label.FontSize = 15;
        plot.Add.Markers(x.ToArray(), y.ToArray(), MarkerShape.FilledCircle, 10, Figure.SeriesColor(0, 1));
        plot.HideLegend();
        return (plot, tau);
    }

    public static string Signed(double? v) =>
        v is double d && double.IsFinite(d) ? Math.Round(d, 2).ToString("+0.00;-0.00;0.00", CultureInfo.InvariantCulture) : "—";
}
