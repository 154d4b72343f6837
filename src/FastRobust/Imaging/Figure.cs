using FastRobust.Util;
using ScottPlot;

namespace FastRobust.Imaging;

/// <summary>
/// The house style of every chart: a ScottPlot plot with a title, axis labels (with units), sans-serif fonts large
/// enough to read when the PNG is shown at half size, and an atomic PNG save.
/// </summary>
public static class Figure
{
    /// <summary>The font every figure uses; DejaVu Sans ships with Debian and covers ε, σ, τ and ×.</summary>
    public const string FontName = "DejaVu Sans";

    public static Plot Create(string title, string xLabel, string yLabel)
    {
        var plot = new Plot();
        plot.Font.Set(FontName);
        plot.Title(title, size: 18);
        plot.XLabel(xLabel, size: 15);
        plot.YLabel(yLabel, size: 15);
        plot.Axes.Bottom.TickLabelStyle.FontSize = 13;
        plot.Axes.Left.TickLabelStyle.FontSize = 13;
        plot.Legend.FontSize = 13;
        plot.Legend.FontName = FontName;
        return plot;
    }

    /// <summary>Renders the plot as PNG bytes.</summary>
    public static byte[] PngBytes(Plot plot, int width = 800, int height = 560) =>
        plot.GetImage(width, height).GetImageBytes(ImageFormat.Png);

    /// <summary>Saves the plot as a PNG file through a temporary sibling, so no half-written figure is left.</summary>
    public static void SavePng(Plot plot, string path, int width = 800, int height = 560)
    {
        byte[] png = PngBytes(plot, width, height);
        AtomicFile.Write(path, s => s.Write(png));
    }

    /// <summary>
    /// A heatmap of <paramref name="values"/> (row 0 drawn at the top), each cell labelled with its value, the rows and
    /// columns named on the axes, colours from a diverging blue–white–red scale fixed to [<paramref name="min"/>,
    /// <paramref name="max"/>] (so a colour means the same in every figure) with a colour bar. Cell (r, c) spans
    /// x ∈ [c, c + 1] and y ∈ [rows − r − 1, rows − r]. NaN cells are grey and unlabelled.
    /// </summary>
    public static ScottPlot.Plottables.Heatmap Heatmap(Plot plot, double[,] values, IReadOnlyList<string> rowLabels,
        IReadOnlyList<string> columnLabels, double min, double max, string colourLabel, string cellFormat = "+0.00;-0.00;0.00")
    {
        int rows = values.GetLength(0), columns = values.GetLength(1);
        if (rowLabels.Count != rows || columnLabels.Count != columns) throw new ArgumentException("one label per row and per column");
        var map = plot.Add.Heatmap(values);
        map.Colormap = DivergingColormap;
        map.ManualRange = new ScottPlot.Range(min, max);
        map.NaNCellColor = Colors.LightGray;
        // ScottPlot places the extent on the centres of the edge cells
        map.Extent = new CoordinateRect(0.5, columns - 0.5, 0.5, rows - 0.5);
        for (int r = 0; r < rows; r++)
        for (int c = 0; c < columns; c++)
        {
            double v = values[r, c];
            if (double.IsNaN(v)) continue;
            // rounded first, so that −0.001 reads 0.00 rather than the format's "-+0.00"
            var text = plot.Add.Text(Math.Round(v, 2).ToString(cellFormat, System.Globalization.CultureInfo.InvariantCulture), c + 0.5, rows - r - 0.5);
            text.Alignment = Alignment.MiddleCenter;
            text.LabelStyle.FontName = FontName;
            text.LabelStyle.FontSize = 12;
            // dark cells take white text
            text.LabelStyle.ForeColor = Math.Abs(v - (min + max) / 2) > 0.35 * (max - min) ? Colors.White : Colors.Black;
        }
        plot.Axes.Bottom.TickGenerator = new ScottPlot.TickGenerators.NumericManual(
            Enumerable.Range(0, columns).Select(c => c + 0.5).ToArray(), columnLabels.ToArray());
        plot.Axes.Left.TickGenerator = new ScottPlot.TickGenerators.NumericManual(
            Enumerable.Range(0, rows).Select(r => rows - r - 0.5).ToArray(), rowLabels.ToArray());
        plot.Axes.SetLimits(0, columns, 0, rows);
        plot.Grid.IsVisible = false;
        var bar = plot.Add.ColorBar(map);
        bar.Label = colourLabel;
        bar.LabelStyle.FontSize = 14;
        bar.LabelStyle.FontName = FontName;
        bar.Axis.TickGenerator = new ScottPlot.TickGenerators.NumericManual(
            Enumerable.Range(0, 5).Select(k => min + k * (max - min) / 4).ToArray(),
            Enumerable.Range(0, 5).Select(k => (min + k * (max - min) / 4).ToString("0.##", System.Globalization.CultureInfo.InvariantCulture)).ToArray());
        bar.Axis.TickLabelStyle.FontSize = 13;
        return map;
    }

    /// <summary>Blue (low) through white (middle) to red (high), colour-blind safe (ColorBrewer RdBu, reversed).</summary>
    public static readonly IColormap DivergingColormap = new ScottPlot.Colormaps.CustomInterpolated(
    [
        Color.FromHex("#2166ac"), Color.FromHex("#67a9cf"), Color.FromHex("#d1e5f0"), Color.FromHex("#f7f7f7"),
        Color.FromHex("#fddbc7"), Color.FromHex("#ef8a62"), Color.FromHex("#b2182b"),
    ]);

    /// <summary>The colour of series <paramref name="i"/> of <paramref name="count"/>: Category10, or Category20 beyond ten.</summary>
    public static Color SeriesColor(int i, int count) =>
        count <= 10 ? new ScottPlot.Palettes.Category10().GetColor(i) : new ScottPlot.Palettes.Category20().GetColor(i);

    /// <summary>Percent on the left axis: 0 to 100 with a labelled tick every 10.</summary>
    public static void PercentAxis(Plot plot)
    {
        plot.Axes.Left.TickGenerator = new ScottPlot.TickGenerators.NumericFixedInterval(10);
        plot.Axes.SetLimitsY(0, 102);
    }

    /// <summary>Names categories 0, 1, … on the bottom axis, the labels turned when they are long.</summary>
    public static void CategoryAxis(Plot plot, IReadOnlyList<string> labels)
    {
        plot.Axes.Bottom.TickGenerator = new ScottPlot.TickGenerators.NumericManual(
            Enumerable.Range(0, labels.Count).Select(i => (double)i).ToArray(), labels.ToArray());
        int longest = labels.Count == 0 ? 0 : labels.Max(l => l.Length);
        if (longest > 6)
        {
            // turned labels need the room under the axis that ScottPlot does not measure for them
            plot.Axes.Bottom.TickLabelStyle.Rotation = -45;
            plot.Axes.Bottom.TickLabelStyle.Alignment = Alignment.MiddleRight;
            plot.Axes.Bottom.MinimumSize = 30 + 6.5f * longest;
        }
    }
}
