using FastRobust.Data;
using FastRobust.Imaging;
using ScottPlot;

namespace FastRobust.DataRobustness;

/// <summary>The seed's three figures: survival curves of M and M_R, robust training images per class, robust vs non-robust test images.</summary>
public static class DatapointsFigures
{
    /// <summary>Fraction of test images still robust after s steps (seed Figs. 3 and 5), one line per model.</summary>
    public static void Survival(string path, IReadOnlyList<(string Name, SchemeOutcome Outcome)> models, int k)
    {
        var plot = Figure.Create($"Test images still robust under the random L0 scheme (k = {k} pixels per step)",
            "perturbation steps", "test images still robust (% of all)");
        var colours = new[] { Colors.C0, Colors.C1, Colors.C2, Colors.C3 };
        int line = 0;
        foreach (var (name, outcome) in models)
        {
            var curve = outcome.Survival();
            var xs = Enumerable.Range(0, curve.Length).Select(s => (double)s).ToArray();
            var scatter = plot.Add.ScatterLine(xs, curve.Select(v => 100 * v).ToArray());
            scatter.LegendText = $"{name}: {100 * curve[^1]:F2} % robust after {outcome.MaxSteps} steps";
            scatter.LineWidth = 2.5f;
            scatter.Color = colours[line++ % colours.Length];
        }
        plot.Axes.SetLimitsY(0, 100);
        plot.Axes.SetLimitsX(0, models.Max(m => m.Outcome.MaxSteps));
        plot.ShowLegend(Alignment.LowerLeft);
        Figure.SavePng(plot, path, 900, 600);
    }

    /// <summary>Robust training images per class under M (seed Fig. 4), with the per-class quota drawn for retraining.</summary>
    public static void RobustPerClass(string path, int[] counts, int perClass, IReadOnlyList<string> classNames, int trainImages)
    {
        var plot = Figure.Create($"Robust training images per class under M ({counts.Sum():N0} of {trainImages:N0})",
            "class", "robust training images (count)");
        var bars = plot.Add.Bars(counts.Select(c => (double)c).ToArray());
        bars.LegendText = "robust under M";
        foreach (var b in bars.Bars) b.Label = b.Value.ToString("N0");
        bars.ValueLabelStyle.FontSize = 12;
        var quota = plot.Add.HorizontalLine(perClass);
        quota.LegendText = $"drawn per class for M_R (--per-class {perClass:N0})";
        quota.LinePattern = LinePattern.Dashed;
        quota.Color = Colors.C3;
        plot.Axes.Bottom.SetTicks(Enumerable.Range(0, counts.Length).Select(c => (double)c).ToArray(), [.. classNames]);
        plot.Axes.SetLimitsY(0, Math.Max(counts.Max(), perClass) * 1.3);
        plot.Legend.Orientation = Orientation.Horizontal;
        plot.ShowLegend(Alignment.UpperCenter);
        Figure.SavePng(plot, path, 900, 600);
    }

    /// <summary>
    /// Test images M classified correctly (seed Fig. 1): per class, the first robust one (top row) and the first one the
    /// scheme flipped (bottom row, captioned with its steps-to-flip and the class it was flipped to).
    /// </summary>
    public static void Examples(string path, Dataset test, SchemeOutcome outcome, IReadOnlyList<string> classNames)
    {
        int classes = test.Classes;
        var grid = new LabelledGrid(2, classes, test.H, test.W, zoom: test.H <= 28 ? 3 : 2)
        {
            Title = $"Test images M classified correctly: robust vs flipped by the random scheme ({outcome.MaxSteps} steps)",
        };
        grid.SetRowHeader(0, "robust");
        grid.SetRowHeader(1, "not robust");
        for (int c = 0; c < classes; c++)
        {
            grid.SetColumnHeader(c, classNames[c]);
            int robust = -1;
            for (int i = 0; i < outcome.N; i++)
                if (outcome.Labels[i] == c && outcome.Robust(i)) { robust = i; break; }
            int flipped = -1;
            for (int i = 0; i < outcome.N; i++)
                if (outcome.Labels[i] == c && outcome.Correct(i) && outcome.Flipped(i)) { flipped = i; break; }
            if (robust >= 0)
            {
                grid.Draw(0, c, test.Image(robust), test.C, test.H, test.W);
                grid.SetCaption(0, c, $"test #{robust}");
            }
            else grid.SetCaption(0, c, "none");
            if (flipped >= 0)
            {
                grid.Draw(1, c, test.Image(flipped), test.C, test.H, test.W);
                grid.SetCaption(1, c, $"step {outcome.StepsToFlip[flipped]}→{classNames[outcome.FlipPrediction[flipped]]}");
            }
            else grid.SetCaption(1, c, "none");
        }
        grid.SavePng(path);
    }
}
