using FastRobust.Imaging;
using FastRobust.Study.Reporting;
using ScottPlot;
using SkiaSharp;
using Xunit;

namespace FastRobust.Tests.Imaging;

/// <summary>
/// The report's charts drawn from data of known shape: each point or cell is found in the rendered pixels where its
/// coordinates say, in the colour it must have, and a scatter's τ is the count of its concordant and discordant pairs.
/// </summary>
public class ChartShapeTests
{
    private const int W = 800, H = 560;

    /// <summary>Renders the plot and returns the bitmap and ScottPlot's own map from coordinates to pixels.</summary>
    private static (SKBitmap Bitmap, Func<double, double, (int X, int Y)> Pixel) Render(Plot plot)
    {
        var bmp = SKBitmap.Decode(Figure.PngBytes(plot, W, H));
        return (bmp, (x, y) =>
        {
            var p = plot.GetPixel(new Coordinates(x, y));
            return ((int)Math.Round(p.X), (int)Math.Round(p.Y));
        });
    }

    private static bool Near(SKColor a, Color b, int tolerance = 6) =>
        Math.Abs(a.Red - b.R) <= tolerance && Math.Abs(a.Green - b.G) <= tolerance && Math.Abs(a.Blue - b.B) <= tolerance;

    [Fact]
    public void ScatterOfAKnownPermutationHasItsTauAndItsPointsWhereTheySay()
    {
        // y swaps two neighbouring pairs of 1..6: 13 concordant and 2 discordant pairs of 15, τ = 11/15
        double[] x = [1, 2, 3, 4, 5, 6];
        double[] y = [1, 3, 2, 4, 6, 5];
        var (plot, tau) = PredictorFigures.Scatter("norm", "accuracy_gap", "pgd 0.1", x, y, 0.2, 0.9);
        Assert.Equal(11.0 / 15, tau, 12);
        Assert.Contains("Kendall τ = +0.73 [+0.20, +0.90], n = 6", plot.Axes.Title.Label.Text);
        var (bmp, pixel) = Render(plot);
        var marker = Figure.SeriesColor(0, 1);
        for (int i = 0; i < x.Length; i++)
        {
            var (px, py) = pixel(x[i], y[i]);
            Assert.True(Near(bmp.GetPixel(px, py), marker), $"no marker at point {i} ({px}, {py}): {bmp.GetPixel(px, py)}");
        }
        // and none where there is no point
        var (ex, ey) = pixel(1, 6);
        Assert.False(Near(bmp.GetPixel(ex, ey), marker));
        // reversing y reverses τ
        Assert.Equal(-11.0 / 15, PredictorFigures.Scatter("norm", "accuracy_gap", "pgd 0.1", x, y.Select(v => -v).ToList(), null, null).Tau, 12);
    }

    [Fact]
    public void HeatmapCellsHaveTheColourOfTheirValueInTheirPlace()
    {
        double[,] values = { { -1, 0, 0.5 }, { 1, -0.5, double.NaN } };
        var plot = Figure.Create("known τ", "notion", "measure");
        Figure.Heatmap(plot, values, ["top", "bottom"], ["a", "b", "c"], -1, 1, "τ");
        var (bmp, pixel) = Render(plot);
        for (int r = 0; r < 2; r++)
        for (int c = 0; c < 3; c++)
        foreach (var (dx, dy) in new[] { (0.15, 0.15), (0.85, 0.85), (0.15, 0.85), (0.85, 0.15) })
        {
            // near each corner of the cell, clear of its text; row 0 is drawn at the top
            var (px, py) = pixel(c + dx, 2 - r - dy);
            var expected = double.IsNaN(values[r, c]) ? Colors.LightGray : Figure.DivergingColormap.GetColor(values[r, c], new ScottPlot.Range(-1, 1));
            Assert.True(Near(bmp.GetPixel(px, py), expected, 10), $"cell ({r}, {c}) at ({px}, {py}) is {bmp.GetPixel(px, py)}, not {expected}");
        }
        // the scale's ends: −1 blue, +1 red, 0 near white
        Assert.True(Figure.DivergingColormap.GetColor(-1, new ScottPlot.Range(-1, 1)).B > 150);
        Assert.True(Figure.DivergingColormap.GetColor(1, new ScottPlot.Range(-1, 1)).R > 150);
        Assert.True(Figure.DivergingColormap.GetColor(0, new ScottPlot.Range(-1, 1)).G > 230);
    }

    [Fact]
    public void CategoryAxisPutsEachLabelUnderItsPosition()
    {
        var plot = Figure.Create("categories", "corruption", "accuracy (%)");
        plot.Add.Scatter(new double[] { 0, 1, 2 }, new double[] { 10, 50, 90 });
        Figure.CategoryAxis(plot, ["gaussian_noise", "contrast", "motion_blur"]);
        Figure.PercentAxis(plot);
        var (bmp, pixel) = Render(plot);
        var ticks = plot.Axes.Bottom.TickGenerator.Ticks.Where(t => t.IsMajor).ToList();
        Assert.Equal(["gaussian_noise", "contrast", "motion_blur"], ticks.Select(t => t.Label));
        Assert.Equal([0.0, 1, 2], ticks.Select(t => t.Position));
        // the turned labels fit: dark text pixels below the axis, inside the image
        var (_, axisY) = pixel(0, 0);
        int dark = 0;
        for (int y = axisY + 5; y < bmp.Height; y++)
        for (int x = 0; x < bmp.Width; x++)
            if (bmp.GetPixel(x, y).Red < 90) dark++;
        Assert.True(dark > 200, $"{dark} dark pixels under the axis");
    }
}
