using FastRobust.Imaging;
using ScottPlot;

namespace FastRobust.Study.Reporting;

/// <summary>Accuracy against attack strength and noise level, and clean against robust accuracy.</summary>
internal static class AccuracyFigures
{
    public const string CurvesSection = "Accuracy against attack strength";
    public const string TradeOffSection = "Clean against robust accuracy";

    /// <summary>One figure per attack and per noise condition: accuracy against ε (σ), 0 being the clean accuracy on the same images.</summary>
    public static IEnumerable<ReportFigure> Curves(StudyTables t, string dir)
    {
        foreach (var kind in new[] { "attack", "noise" })
        foreach (var cond in t.Levels(kind).Select(x => x.Condition).Distinct().ToList())
        {
            var levels = t.Levels(kind).Where(x => x.Condition == cond).Select(x => x.Level).ToList();
            var models = t.ModelIds.Where(m => t.Rows.Any(r => r.Model == m && r.Condition == cond)).ToList();
            var series = ModelSeries.Of(t, models);
            string symbol = kind == "attack" ? "ε" : "σ";
            string title = kind == "attack" ? $"Accuracy under {cond} against ε" : $"Accuracy under {cond} noise against σ";
            var plot = Figure.Create(title, $"{symbol} (pixel values in [0, 1]; 0 = clean)", "accuracy (%)");
            for (int i = 0; i < series.Count; i++)
            {
                var x = new List<double> { 0 };
                var y = new List<double> { 100 * FigureKit.Mean(series[i].Models.Select(m => CleanOnSameImages(t, m, cond))) };
                foreach (var l in levels)
                {
                    x.Add(l);
                    y.Add(100 * FigureKit.Mean(series[i].Models.Select(m => t.Find(m, cond, l)?.Accuracy ?? double.NaN)));
                }
                FigureKit.Line(plot, x, y, series[i].Label, i, series.Count);
            }
            FigureKit.Percent(plot);
            FigureKit.Legend(plot, series.Count);
            string caption = $"Accuracy of each {(series.Count == models.Count ? "model" : "group of models (mean)")} under {cond} at " +
                $"{symbol} = {string.Join(", ", levels.Select(StudyTables.LevelText))}; the point at 0 is the clean accuracy on the same images.";
            yield return FigureKit.Save(plot, dir, $"accuracy-{kind}-{FigureKit.Slug(cond)}.png", CurvesSection, title, caption);
        }
    }

    /// <summary>The clean accuracy on the images a condition used (the row's clean_accuracy; the clean row when absent).</summary>
    public static double CleanOnSameImages(StudyTables t, string model, string condition)
    {
        var row = t.Rows.FirstOrDefault(r => r.Model == model && r.Condition == condition && r.CleanAccuracy is not null);
        return row?.CleanAccuracy ?? t.Rows.FirstOrDefault(r => r.Model == model && r.Kind == "clean")?.Accuracy ?? double.NaN;
    }

    /// <summary>
    /// Clean against robust accuracy, one marker per model and attack setting (every ε when there are at most ten
    /// attack settings, else each attack's largest ε), the line robust = clean for reference.
    /// </summary>
    public static IEnumerable<ReportFigure> TradeOff(StudyTables t, string dir)
    {
        var settings = t.Levels("attack");
        if (settings.Count == 0) yield break;
        if (settings.Count > 10) settings = settings.GroupBy(s => s.Condition).Select(g => g.Last()).ToList();
        const string title = "Clean against robust accuracy";
        var plot = Figure.Create(title, "clean accuracy (%)", "robust accuracy (%)");
        for (int i = 0; i < settings.Count; i++)
        {
            var (cond, level) = settings[i];
            var rows = t.Rows.Where(r => r.Condition == cond && r.Level == level).ToList();
            var x = rows.Select(r => 100 * (r.CleanAccuracy ?? CleanOnSameImages(t, r.Model, cond))).ToArray();
            var y = rows.Select(r => 100 * r.Accuracy).ToArray();
            var m = plot.Add.Markers(x, y, MarkerShape.FilledCircle, 9, Figure.SeriesColor(i, settings.Count));
            m.LegendText = $"{cond} ε {StudyTables.LevelText(level)}";
        }
        var diagonal = plot.Add.Line(0, 0, 100, 100);
        diagonal.LineColor = Colors.Gray;
        diagonal.LinePattern = LinePattern.Dashed;
        diagonal.LegendText = "robust = clean";
        Figure.PercentAxis(plot);
        plot.Axes.Bottom.TickGenerator = new ScottPlot.TickGenerators.NumericFixedInterval(10);
        plot.Axes.SetLimitsX(0, 102);
        FigureKit.Legend(plot, settings.Count + 1);
        string caption = "Each marker is one model under one attack setting: its clean accuracy on the attacked images (x) against its " +
            "accuracy under the attack (y). Models up and to the right are both accurate and robust; the dashed line is no loss at all.";
        yield return FigureKit.Save(plot, dir, "clean-vs-robust.png", TradeOffSection, title, caption);
    }
}
