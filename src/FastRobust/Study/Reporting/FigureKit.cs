using FastRobust.Imaging;
using ScottPlot;

namespace FastRobust.Study.Reporting;

/// <summary>The figures' shared helpers: saving into the figures folder, lines of series, units.</summary>
internal static class FigureKit
{
    public const int Width = 960, Height = 560;

    public static ReportFigure Save(Plot plot, string dir, string file, string section, string title, string caption,
        int width = Width, int height = Height)
    {
        Figure.SavePng(plot, Path.Combine(dir, file), width, height);
        return new ReportFigure(section, file, title, caption);
    }

    /// <summary>A line with markers for a series; the legend goes outside the data, right of the axes, when there are several.</summary>
    public static void Line(Plot plot, IReadOnlyList<double> x, IReadOnlyList<double> y, string label, int i, int count, bool dashed = false)
    {
        var s = plot.Add.Scatter(x.ToArray(), y.ToArray());
        s.LegendText = label;
        s.Color = Figure.SeriesColor(i, count);
        s.LineWidth = 2;
        s.MarkerSize = 7;
        if (dashed) s.LinePattern = LinePattern.Dashed;
    }

    public static void Legend(Plot plot, int series)
    {
        if (series > 1) plot.ShowLegend(Edge.Right);
        else plot.HideLegend();
    }

    public static void Percent(Plot plot) => Figure.PercentAxis(plot);

    /// <summary>A file name from free text: letters, digits, '-', '_' and '.' only.</summary>
    public static string Slug(string s) => new string(s.Select(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.' ? c : '-').ToArray());

    public static double Mean(IEnumerable<double> v)
    {
        var list = v.Where(double.IsFinite).ToList();
        return list.Count == 0 ? double.NaN : list.Average();
    }

    /// <summary>What a notion's values are measured in, for an axis label.</summary>
    public static string NotionAxis(string notion) => notion switch
    {
        "accuracy_gap" => "accuracy gap (clean − robust, fraction)",
        "relative_accuracy_drop" => "relative accuracy drop (fraction of clean)",
        "log_loss_gap" => "log-loss gap (nats)",
        "relative_log_loss_increase" => "relative log-loss increase (fraction of clean)",
        _ => notion,
    };
}
