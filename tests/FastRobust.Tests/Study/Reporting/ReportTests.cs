using System.Globalization;
using System.Text.RegularExpressions;
using FastRobust.Study;
using FastRobust.Study.Reporting;
using FastRobust.Tables;
using FastRobust.Tests.Cli;
using SkiaSharp;
using Xunit;

namespace FastRobust.Tests.StudyTests.Reporting;

/// <summary>
/// <c>./run.sh report</c> on a study whose every number is known (<see cref="SyntheticStudy"/>): the per-model table
/// holds the constructed accuracies and means, the page's images all exist and decode, one per figure, and each
/// predictor scatter shows the τ of the correlations table.
/// </summary>
public sealed class ReportTests : CliTestFolder
{
    private string Study()
    {
        string dir = P("study");
        SyntheticStudy.Write(dir);
        return dir;
    }

    [Fact]
    public void PerModelTableHoldsTheConstructedAccuraciesAndMeans()
    {
        var t = StudyTables.Read(Study());
        var summary = ModelSummary.Build(t);
        Assert.Equal(SyntheticStudy.Ids.Length, summary.Rows);
        Assert.Equal(SyntheticStudy.Ids, summary.Strings("model"));
        var clean = (double?[])summary.Column("clean_accuracy");
        var fgsm = (double?[])summary.Column("acc_fgsm_eps_0.05");
        var pgd = (double?[])summary.Column("acc_pgd_eps_0.1");
        var noise = (double?[])summary.Column("acc_gaussian_sigma_0.3");
        var corruption = (double?[])summary.Column("mean_corruption_accuracy");
        var drop = (double?[])summary.Column("mean_relative_accuracy_drop");
        for (int i = 0; i < SyntheticStudy.Ids.Length; i++)
        {
            Assert.Equal(SyntheticStudy.Clean[i], clean[i]!.Value, 12);
            Assert.Equal(SyntheticStudy.Accuracy(i, "attack", 0.05), fgsm[i]!.Value, 12);
            Assert.Equal(SyntheticStudy.Accuracy(i, "attack", 0.1), pgd[i]!.Value, 12);
            Assert.Equal(SyntheticStudy.Accuracy(i, "noise", 0.3), noise[i]!.Value, 12);
            double shift = new[] { 1.0, 3.0 }.Average(l => SyntheticStudy.Accuracy(i, "shift", l));
            Assert.Equal(shift, corruption[i]!.Value, 12);
            // the mean over all eight non-clean rows of (subset clean − accuracy) / subset clean
            double expected = SyntheticStudy.Conditions.Average(c =>
                (SyntheticStudy.SubsetClean(i) - SyntheticStudy.Accuracy(i, c.Kind, c.Level)) / SyntheticStudy.SubsetClean(i));
            Assert.Equal(expected, drop[i]!.Value, 12);
        }
        // the robust-training columns come along, typed
        Assert.Equal(SyntheticStudy.TrainEps.Select(v => (double?)v), (double?[])summary.Column("train_eps"));
        // labels name the settings that vary, not the ids
        Assert.Equal("width=16, adv=pgd, train ε=0.1, train σ=0", summary.Strings("label")[3]);
    }

    [Fact]
    public void ReportWritesAPageWhoseEveryImageExistsAndDecodes()
    {
        string study = Study();
        var r = CliHarness.Run("report", study, "--top", "3");
        Assert.True(r.Code == 0, r.Err);
        Assert.Contains("per model:", r.Out);
        Assert.Contains("relative_accuracy_drop: strongest predictors", r.Out);  // the terminal summary is kept

        string page = File.ReadAllText(Path.Combine(study, "report", "index.html"));
        var sources = Regex.Matches(page, "<img src=\"([^\"]+)\"").Select(m => m.Groups[1].Value).ToList();
        Assert.Equal(SyntheticStudy.ExpectedFigures, sources.Count);
        Assert.Equal(sources.Count, sources.Distinct().Count());
        foreach (var src in sources)
        {
            string file = Path.Combine(study, "report", src);
            Assert.True(File.Exists(file), $"{src} is missing");
            using var bmp = SKBitmap.Decode(file);
            Assert.True(bmp is { Width: > 300, Height: > 300 }, $"{src} does not decode to a figure");
        }
        Assert.Equal(SyntheticStudy.ExpectedFigures, Directory.GetFiles(Path.Combine(study, "report", "figures")).Length);
        // self-contained: nothing fetched from a network, no script
        Assert.DoesNotMatch("(src|href)=\"(https?:)?//", page);
        Assert.DoesNotContain("<script", page);
        // the per-model table: one body row per model
        int tbody = page.IndexOf("<tbody>", StringComparison.Ordinal);
        string first = page[tbody..page.IndexOf("</tbody>", tbody, StringComparison.Ordinal)];
        Assert.Equal(SyntheticStudy.Ids.Length, Regex.Matches(first, "<tr>").Count);
        Assert.Contains("fgsm ε 0.05 (%)", page);
        Assert.Contains("<td class=\"n\">90.0</td>", first);  // m0's clean accuracy
        // each section the study has data for
        foreach (var section in new[] { "Accuracy against attack strength", "Clean against robust accuracy", "Which measures predict robustness",
                     "Accuracy under distribution shift", "Robust training" })
            Assert.Contains($">{section}</h2>", page);
    }

    [Fact]
    public void EachPredictorScatterShowsTheTauOfTheCorrelationsTable()
    {
        var t = StudyTables.Read(Study());
        string dir = P("figures");
        Directory.CreateDirectory(dir);
        var figures = PredictorFigures.Scatters(t, dir, 3).ToList();
        var strongest = t.Strongest(3);
        Assert.Equal(strongest.Count, figures.Count);
        for (int i = 0; i < figures.Count; i++)
            Assert.Contains($"Kendall τ = {PredictorFigures.Signed(strongest[i].Tau)}, 95 % bootstrap interval " +
                $"[{PredictorFigures.Signed(strongest[i].TauLo)}, {PredictorFigures.Signed(strongest[i].TauHi)}], n = 6 models", figures[i].Caption);
        // norm_a rises with the index; under PGD the training ε orders the models: the table's τ is what a direct count gives
        var x = SyntheticStudy.Measures["norm_a"];
        var y = Enumerable.Range(0, 6).Select(i => SyntheticStudy.SubsetClean(i) - SyntheticStudy.Accuracy(i, "attack", 0.1)).ToArray();
        int concordant = 0, discordant = 0;
        for (int a = 0; a < 6; a++)
        for (int b = a + 1; b < 6; b++)
        {
            double s = Math.Sign(x[b] - x[a]) * Math.Sign(y[b] - y[a]);
            if (s > 0) concordant++; else if (s < 0) discordant++;
        }
        var row = Enumerable.Range(0, t.Correlations.Rows).Single(i => t.Correlations.Strings("measure")[i] == "norm_a"
            && t.Correlations.Strings("notion")[i] == "accuracy_gap" && t.Correlations.Strings("condition")[i] == "pgd");
        Assert.Equal((concordant - discordant) / 15.0, t.Correlations.Doubles("kendall_tau")[row], 12);
    }

    [Fact]
    public void HeatmapCellsAreTheMeanTauOverConditions()
    {
        var t = StudyTables.Read(Study());
        var (tau, measures, notions) = PredictorFigures.MeanTau(t.Correlations);
        Assert.Equal(3, measures.Count);
        Assert.Equal(ConditionResult.Notions, notions);
        var c = t.Correlations;
        for (int m = 0; m < measures.Count; m++)
        for (int n = 0; n < notions.Count; n++)
        {
            var values = Enumerable.Range(0, c.Rows).Where(i => c.Strings("measure")[i] == measures[m] && c.Strings("notion")[i] == notions[n])
                .Select(i => c.Doubles("kendall_tau")[i]).Where(double.IsFinite).ToList();
            Assert.Equal(8, Enumerable.Range(0, c.Rows).Count(i => c.Strings("measure")[i] == measures[m] && c.Strings("notion")[i] == notions[n]));
            Assert.Equal(values.Average(), tau[m, n], 12);
        }
        // rows ordered by their largest |τ|
        var peak = Enumerable.Range(0, measures.Count).Select(m => Enumerable.Range(0, notions.Count).Max(n => Math.Abs(tau[m, n]))).ToList();
        Assert.Equal(peak.OrderByDescending(v => v), peak);
    }

    [Fact]
    public void AStudyWithoutMeasuresOrShiftsStillReports()
    {
        string dir = Study();
        File.Delete(Path.Combine(dir, "measures.parquet"));
        File.Delete(Path.Combine(dir, "correlations.parquet"));
        var r = CliHarness.Run("report", dir);
        Assert.True(r.Code == 0, r.Err);
        string page = File.ReadAllText(Path.Combine(dir, "report", "index.html"));
        Assert.DoesNotContain("tau-heatmap.png", page);
        Assert.Contains("accuracy-attack-fgsm.png", page);
    }

    [Fact]
    public void BadInputIsOneClearMessageAndNothingWritten()
    {
        var missing = CliHarness.Run("report", P("nowhere"));
        Assert.Equal(2, missing.Code);
        Assert.Contains("no such study directory", missing.Err);

        string study = Study();
        var format = CliHarness.Run("report", study, "--format", "xlsx");
        Assert.Equal(2, format.Code);
        Assert.Contains("--format xlsx: unknown format", format.Err);
        Assert.False(Directory.Exists(Path.Combine(study, "report")));

        // an output folder that holds something else is not replaced
        string other = P("other");
        Directory.CreateDirectory(other);
        File.WriteAllText(Path.Combine(other, "keep.txt"), "mine");
        var clash = CliHarness.Run("report", study, "--out", other);
        Assert.Equal(2, clash.Code);
        Assert.Contains("not a report folder", clash.Err);
        Assert.True(File.Exists(Path.Combine(other, "keep.txt")));

        // a second report replaces the first whole, leaving no temporary folder
        Assert.Equal(0, CliHarness.Run("report", study).Code);
        Assert.Equal(0, CliHarness.Run("report", study, "--format", "csv").Code);
        Assert.Equal(["report"], Directory.GetDirectories(study).Select(Path.GetFileName));
        Assert.True(File.Exists(Path.Combine(study, "report", "tables", "models.csv")));
    }

    [Fact]
    public void LevelsReadAsPeopleWriteThem()
    {
        Assert.Equal("0.1", StudyTables.LevelText(0.1));
        Assert.Equal("0.0314 (8/255)", StudyTables.LevelText(8 / 255.0));
        Assert.Equal("0.0314 (8/255)", StudyTables.LevelText((float)(8 / 255.0)));  // a float32 level of an older table
        Assert.Equal("0.2", StudyTables.LevelText(0.2));
        Assert.Equal("3", StudyTables.LevelText(3));
        Assert.Equal("pgd ε 0.0314 (8/255) (%)", ReportPage.Header(ModelSummary.ColumnName("pgd", "eps", 8 / 255.0)));
        Assert.Equal(0.1, double.Parse(ModelSummary.ColumnName("fgsm", "eps", 0.1)["acc_fgsm_eps_".Length..], CultureInfo.InvariantCulture));
    }

    [Fact]
    public void ALargeZooIsDrawnAsTheMeanOfEachGroup()
    {
        // 12 models: 4 widths × 3 learning rates; the learning rate has the fewest values, so it groups them
        string dir = P("zoo");
        Directory.CreateDirectory(dir);
        var ids = Enumerable.Range(0, 12).Select(i => (string?)$"z{i:00}").ToArray();
        new Table().Add("model", ids)
            .Add("hp_width", Enumerable.Range(0, 12).Select(i => (string?)(4 << (i % 4)).ToString()).ToArray())
            .Add("hp_lr", Enumerable.Range(0, 12).Select(i => (string?)new[] { "0.1", "0.01", "0.001" }[i / 4]).ToArray())
            .Write(Path.Combine(dir, "models.parquet"));
        new Table().Add("model", ids).Add("condition", ids.Select(_ => (string?)"clean").ToArray()).Add("kind", ids.Select(_ => (string?)"clean").ToArray())
            .Add("level", ids.Select(_ => (double?)null).ToArray()).Add("accuracy", ids.Select((_, i) => (double?)i / 12).ToArray())
            .Write(Path.Combine(dir, "evaluations.parquet"));
        var t = StudyTables.Read(dir);
        var series = ModelSeries.Of(t, t.ModelIds);
        Assert.Equal(["lr=0.1 (mean of 4)", "lr=0.01 (mean of 4)", "lr=0.001 (mean of 4)"], series.Select(s => s.Label));
        Assert.Equal(["z04", "z05", "z06", "z07"], series[1].Models);
        // ten or fewer: one series per model, named by what varies
        var few = ModelSeries.Of(t, t.ModelIds.Take(3).ToList());
        Assert.Equal(["width=4, lr=0.1", "width=8, lr=0.1", "width=16, lr=0.1"], few.Select(s => s.Label));
    }
}
