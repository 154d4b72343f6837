using FastRobust.Imaging;

namespace FastRobust.Study.Reporting;

/// <summary>Accuracy under the shift conditions: per corruption (mean over severities) and per severity (mean over corruptions).</summary>
internal static class ShiftFigures
{
    public const string Section = "Accuracy under distribution shift";

    public static IEnumerable<ReportFigure> All(StudyTables t, string dir)
    {
        var shifts = t.Rows.Where(r => r.Kind == "shift" && r.Level is not null).ToList();
        if (shifts.Count == 0) yield break;
        var corruptions = shifts.Select(r => r.Condition).Distinct().ToList();
        var severities = shifts.Select(r => r.Level!.Value).Distinct().Order().ToList();
        var models = t.ModelIds.Where(m => shifts.Any(r => r.Model == m)).ToList();
        var series = ModelSeries.Of(t, models);
        string who = series.Count == models.Count ? "model" : "group of models (mean)";

        const string perCorruption = "Accuracy per corruption";
        var plot = Figure.Create(perCorruption, "corruption", "accuracy (%, mean over severities)");
        for (int i = 0; i < series.Count; i++)
        {
            var y = corruptions.Select(c => 100 * FigureKit.Mean(series[i].Models.SelectMany(m => shifts.Where(r => r.Model == m && r.Condition == c))
                .Select(r => r.Accuracy))).ToList();
            FigureKit.Line(plot, Enumerable.Range(0, corruptions.Count).Select(k => (double)k).ToList(), y, series[i].Label, i, series.Count);
        }
        Figure.CategoryAxis(plot, corruptions);
        plot.Axes.SetLimitsX(-0.5, corruptions.Count - 0.5);
        FigureKit.Percent(plot);
        FigureKit.Legend(plot, series.Count);
        yield return FigureKit.Save(plot, dir, "shift-corruptions.png", Section, perCorruption,
            $"Accuracy of each {who} under each corruption, averaged over severities {string.Join(", ", severities)}.");

        const string perSeverity = "Accuracy per corruption severity";
        plot = Figure.Create(perSeverity, "severity (0 = clean)", "accuracy (%, mean over corruptions)");
        for (int i = 0; i < series.Count; i++)
        {
            var x = new List<double> { 0 };
            var y = new List<double> { 100 * FigureKit.Mean(series[i].Models.SelectMany(m => shifts.Where(r => r.Model == m))
                .Select(r => r.CleanAccuracy ?? double.NaN)) };
            foreach (var s in severities)
            {
                x.Add(s);
                y.Add(100 * FigureKit.Mean(series[i].Models.SelectMany(m => shifts.Where(r => r.Model == m && r.Level == s)).Select(r => r.Accuracy)));
            }
            FigureKit.Line(plot, x, y, series[i].Label, i, series.Count);
        }
        plot.Axes.Bottom.TickGenerator = new ScottPlot.TickGenerators.NumericFixedInterval(1);
        FigureKit.Percent(plot);
        FigureKit.Legend(plot, series.Count);
        yield return FigureKit.Save(plot, dir, "shift-severities.png", Section, perSeverity,
            $"Accuracy of each {who} at each severity, averaged over the {corruptions.Count} corruption(s) ({string.Join(", ", corruptions)}); " +
            "severity 0 is the clean accuracy on the same images.");
    }
}
