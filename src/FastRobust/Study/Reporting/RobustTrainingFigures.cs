using FastRobust.Imaging;
using ScottPlot;

namespace FastRobust.Study.Reporting;

/// <summary>
/// When the zoo holds robustly trained models (the models table's <c>adversarial</c>, <c>train_eps</c> and
/// <c>noise_sigma</c> columns): accuracy against the training ε per attack, and against the training noise σ.
/// Standard models (method none, no noise) are the point at 0 of every line.
/// </summary>
internal static class RobustTrainingFigures
{
    public const string Section = "Robust training";

    public static IEnumerable<ReportFigure> All(StudyTables t, string dir)
    {
        if (!t.Models.Has("adversarial")) yield break;
        int n = t.ModelIds.Count;
        var method = Enumerable.Range(0, n).Select(i => t.ModelCell("adversarial", i)).ToArray();
        var eps = Enumerable.Range(0, n).Select(i => t.ModelNumber("train_eps", i)).ToArray();
        var sigma = Enumerable.Range(0, n).Select(i => t.ModelNumber("noise_sigma", i)).ToArray();
        bool Standard(int i) => method[i] == "none" && !(sigma[i] > 0);
        var adversarial = Enumerable.Range(0, n).Where(i => method[i] is not null and not "none" && eps[i] > 0).ToList();
        var noisy = Enumerable.Range(0, n).Where(i => sigma[i] > 0).ToList();
        var standard = Enumerable.Range(0, n).Where(Standard).ToList();

        if (adversarial.Count > 0)
        {
            var methods = adversarial.Select(i => method[i]!).Distinct().Order().ToList();
            foreach (var cond in t.Levels("attack").Select(x => x.Condition).Distinct().ToList())
            {
                var levels = t.Levels("attack").Where(x => x.Condition == cond).Select(x => (double?)x.Level).ToList();
                var tests = levels.Prepend(null).ToList();  // null: clean
                string title = $"Accuracy under {cond} against training ε";
                var plot = Figure.Create(title, "training ε (pixel values in [0, 1]; 0 = standard training)", "accuracy (%)");
                int count = 0;
                for (int mi = 0; mi < methods.Count; mi++)
                for (int k = 0; k < tests.Count; k++)
                {
                    var members = standard.Concat(adversarial.Where(i => method[i] == methods[mi])).ToList();
                    var xs = members.Select(i => Standard(i) ? 0 : eps[i]).Distinct().Order().ToList();
                    var ys = xs.Select(x => 100 * FigureKit.Mean(members.Where(i => (Standard(i) ? 0 : eps[i]) == x)
                        .Select(i => Accuracy(t, t.ModelIds[i], cond, tests[k])))).ToList();
                    string test = tests[k] is double l ? $"test ε {StudyTables.LevelText(l)}" : "clean";
                    FigureKit.Line(plot, xs, ys, methods.Count > 1 ? $"{methods[mi]}: {test}" : test, k, tests.Count, dashed: mi % 2 == 1);
                    count++;
                }
                FigureKit.Percent(plot);
                FigureKit.Legend(plot, count);
                string caption = $"Clean accuracy and accuracy under {cond} at each test ε of models trained with " +
                    $"{string.Join(", ", methods)} at the training ε on the x axis (the mean over models sharing it); standard " +
                    "training is ε = 0. The gap between the clean line and the others is what robust training buys and costs.";
                yield return FigureKit.Save(plot, dir, $"robust-training-{FigureKit.Slug(cond)}.png", Section, title, caption);
            }
        }

        if (noisy.Count > 0)
        {
            var settings = new List<(string Label, string? Cond, double? Level)> { ("clean", null, null) };
            settings.AddRange(t.Levels("noise").Select(x => ($"{x.Condition} noise σ {StudyTables.LevelText(x.Level)}", (string?)x.Condition, (double?)x.Level)));
            settings.AddRange(t.Levels("attack").GroupBy(x => x.Condition).Select(g => g.Last())
                .Select(x => ($"{x.Condition} ε {StudyTables.LevelText(x.Level)}", (string?)x.Condition, (double?)x.Level)));
            const string title = "Accuracy against training noise σ";
            var plot = Figure.Create(title, "training noise σ (pixel values in [0, 1]; 0 = standard training)", "accuracy (%)");
            var members = standard.Concat(noisy).ToList();
            var xs = members.Select(i => Standard(i) ? 0 : sigma[i]).Distinct().Order().ToList();
            for (int k = 0; k < settings.Count; k++)
            {
                var ys = xs.Select(x => 100 * FigureKit.Mean(members.Where(i => (Standard(i) ? 0 : sigma[i]) == x)
                    .Select(i => settings[k].Cond is null ? Accuracy(t, t.ModelIds[i], "", null) : Accuracy(t, t.ModelIds[i], settings[k].Cond!, settings[k].Level))))
                    .ToList();
                FigureKit.Line(plot, xs, ys, settings[k].Label, k, settings.Count);
            }
            FigureKit.Percent(plot);
            FigureKit.Legend(plot, settings.Count);
            yield return FigureKit.Save(plot, dir, "robust-training-noise.png", Section, title,
                "Accuracy of models trained with Gaussian noise of the σ on the x axis (mean over models sharing it; 0 = standard " +
                "training): clean, under each noise condition, and under each attack at its largest ε.");
        }
    }

    /// <summary>
    /// A model's accuracy under a condition and level; when <paramref name="level"/> is null, its clean accuracy on the
    /// images that condition used (the clean row's for a condition it does not have).
    /// </summary>
    private static double Accuracy(StudyTables t, string model, string condition, double? level) =>
        level is null ? AccuracyFigures.CleanOnSameImages(t, model, condition)
            : t.Find(model, condition, level)?.Accuracy ?? double.NaN;
}
