using System.Text.RegularExpressions;
using FastRobust.Study;
using FastRobust.Study.Reporting;
using FastRobust.Tables;
using FastRobust.Tensors;
using FastRobust.Tests.Cli;
using SkiaSharp;
using Xunit;

namespace FastRobust.Tests.StudyTests.Reporting;

/// <summary>The report on the tables a real (tiny) study run writes: one row per model, the figures its conditions call for.</summary>
public sealed class ReportOnStudyRunTests : CliTestFolder
{
    private const string Tiny = """
        { "name": "tiny-report", "dataset": "mnist", "train_images": 256, "test_images": 96, "attack_images": 32, "measure_images": 96,
          "training": { "epochs": 1, "batch": 64, "optimizer": "adam", "lr": 0.003 },
          "models": [ { "family": "custom-cnn", "grid": { "depth": [1], "width": [3, 5, 7], "hidden": [8] } } ],
          "conditions": [ { "type": "clean" }, { "type": "attack", "attack": "fgsm", "eps": [0.1, 0.2] },
                          { "type": "shift", "shift": "contrast", "severity": [2, 4] } ],
          "measures": ["performance", "norms"] }
        """;

    [Fact]
    public void ReportReadsWhatAStudyWrites()
    {
        string dir = P("study");
        StudyRunner.Run(StudyFile.Parse(Tiny, "tiny-report"), "tiny-report", dir, Shard.All, force: false, Device.Cpu, new SilentStudyProgress());
        var r = CliHarness.Run("report", dir, "--top", "2", "--format", "csv");
        Assert.True(r.Code == 0, r.Err);

        var models = Table.Read(Path.Combine(dir, "models.parquet"));
        var t = StudyTables.Read(dir);
        var built = ModelSummary.Build(t);
        Assert.Equal(3, built.Rows);
        // the summary's clean accuracy is the clean evaluation row's, and each attack column the attack row's
        var evals = t.Rows;
        for (int i = 0; i < 3; i++)
        {
            string id = built.Strings("model")[i]!;
            Assert.Equal(evals.Single(e => e.Model == id && e.Kind == "clean").Accuracy, ((double?[])built.Column("clean_accuracy"))[i]);
            Assert.Equal(evals.Single(e => e.Model == id && e.Condition == "fgsm" && e.Level > 0.15).Accuracy,
                ((double?[])built.Column(ModelSummary.ColumnName("fgsm", "eps", evals.First(e => e.Condition == "fgsm" && e.Level > 0.15).Level!.Value)))[i]);
        }
        Assert.Equal(new string?[] { "width=3", "width=5", "width=7" }, built.Strings("label"));

        string page = File.ReadAllText(Path.Combine(dir, "report", "index.html"));
        var sources = Regex.Matches(page, "<img src=\"([^\"]+)\"").Select(m => m.Groups[1].Value).ToList();
        // fgsm curve, trade-off, heatmap, 2 shift figures, and up to 2 scatters per notion (fewer where τ is undefined)
        int scatters = t.Strongest(2).Count;
        Assert.True(scatters > 0, "the tiny study has no correlations to draw");
        Assert.Equal(1 + 1 + 1 + 2 + scatters, sources.Count);
        foreach (var src in sources)
        {
            using var bmp = SKBitmap.Decode(Path.Combine(dir, "report", src));
            Assert.True(bmp is { Width: > 300 }, $"{src} does not decode");
        }
        Assert.Equal(models.Rows, File.ReadAllLines(Path.Combine(dir, "report", "tables", "models.csv")).Length - 1);
        // every model trained the standard way: no robust-training section
        Assert.DoesNotContain(">Robust training</h2>", page);
    }
}
