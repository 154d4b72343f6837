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
}
