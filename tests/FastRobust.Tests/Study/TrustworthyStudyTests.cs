using FastRobust.Attacks;
using FastRobust.Data;
using FastRobust.Nn;
using FastRobust.Random;
using FastRobust.Study;
using FastRobust.Tables;
using FastRobust.Tensors;
using FastRobust.Util;
using Xunit;

namespace FastRobust.Tests.StudyTests;

/// <summary>
/// What keeps a study's tables from misleading: one image set per row and per pivot, exact levels, typed
/// hyperparameters, attack figures from the attack's own summary, data-set-aware ε, names kept, small samples flagged.
/// </summary>
public sealed class TrustworthyStudyTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("fr-trust-").FullName;

    public void Dispose()
    {
        try { Directory.Delete(_dir, true); } catch (IOException) { }
    }

    private const string Study = """
        { "name": "trust", "dataset": "mnist", "train_images": 256, "test_images": 128, "attack_images": 40, "measure_images": 64,
          "training": { "epochs": 1, "batch": 64, "optimizer": "adam", "lr": 0.003 },
          "models": [ { "family": "custom-cnn", "grid": { "depth": [1], "width": [3, 5, 7], "hidden": [8] } } ],
          "conditions": [ { "type": "clean" },
                          { "type": "attack", "attack": "fgsm", "eps": { "mnist": ["8/255", 0.3], "cifar10": ["8/255"] } },
                          { "type": "attack", "attack": "deepfool", "eps": [2.0], "steps": 5 } ],
          "measures": ["performance"] }
        """;

    [Fact]
    public void ThePivotOfAStudyComparesOneImageSetAndItsFiguresAreTheAttacksOwn()
    {
        string dir = Path.Combine(_dir, "run");
        StudyRunner.Run(StudyFile.Parse(Study, "trust"), "trust", dir, Shard.All, force: false, Device.Cpu, new SilentStudyProgress());
        var evals = Table.Read(Path.Combine(dir, "evaluations.parquet"));
        var models = Table.Read(Path.Combine(dir, "models.parquet"));
        var model = evals.Strings("model");
        var cond = evals.Strings("condition");
        var acc = evals.Doubles("accuracy");
        var images = (long[])evals.Column("images");
        var level = (double?[])evals.Column("level");
        var eps255 = (double?[])evals.Column("eps_255");

        // pivot model × condition: the clean column is on the same images as every attack column, and never below it
        foreach (int i in Enumerable.Range(0, evals.Rows).Where(i => evals.Strings("kind")[i] == "attack"))
        {
            int clean = Enumerable.Range(0, evals.Rows).Single(j => model[j] == model[i] && cond[j] == "clean");
            Assert.Equal(images[clean], images[i]);
            Assert.True(acc[clean] >= acc[i], $"{model[i]} {cond[i]} {level[i]}: clean {acc[clean]} < robust {acc[i]}");
            Assert.Equal(acc[clean], evals.Doubles("clean_accuracy")[i]);
        }
        // levels exactly as given: "8/255" is the float64 8.0 / 255, and eps_255 is 8 for an L∞ attack, null for L2
        int fgsm8 = Enumerable.Range(0, evals.Rows).First(i => cond[i] == "fgsm" && level[i] < 0.1);
        Assert.True(level[fgsm8] == 8.0 / 255, $"level {level[fgsm8]:R}");
        Assert.Equal(8.0, eps255[fgsm8]);
        Assert.True(Enumerable.Range(0, evals.Rows).Any(i => cond[i] == "fgsm" && level[i] == 0.3), "MNIST's ε 0.3 from the map");
        Assert.Null(eps255[Enumerable.Range(0, evals.Rows).First(i => cond[i] == "deepfool")]);
        // numbers as numbers: hp_width and hp_lr are float64 columns, hp_optimizer text
        Assert.IsType<double?[]>(models.Column("hp_width"));
        Assert.IsType<double?[]>(models.Column("hp_lr"));
        Assert.IsType<string?[]>(models.Column("hp_optimizer"));
        Assert.Equal([3.0, 5.0, 7.0], models.Doubles("hp_width"));

        // the median L2 is the attack's own: the attack run again on the same images gives the same summary
        var ids = models.Strings("model");
        var test = DataLocator.Load("mnist", "test").Take(40);
        foreach (var id in ids)
        {
            string unit = Path.Combine(dir, "units", id!);
            using var m = Model.Load(Path.Combine(unit, "model.json"), Path.Combine(unit, "model.safetensors"), Device.Cpu);
            var x = Tensor.FromArray(test.Images, [test.N, test.C, test.H, test.W], Device.Cpu);
            using var y = IntTensor.FromArray(test.Labels, Device.Cpu);
            using var result = AttackRegistry.Create("deepfool").Run(m, x, y, new AttackOptions { Epsilon = 2f, Steps = 5 }, new PhiloxStream(0, 0));
            var summary = AttackSummary.Of(result);
            int row = Enumerable.Range(0, evals.Rows).Single(i => model[i] == id && cond[i] == "deepfool");
            Assert.Equal(summary.L2.Median, ((double?[])evals.Column("median_l2"))[row] ?? double.NaN, 12);
            Assert.Equal(summary.L2.Mean, ((double?[])evals.Column("mean_l2"))[row] ?? double.NaN, 12);
            Assert.Equal(summary.SuccessRate, ((double?[])evals.Column("success_rate"))[row] ?? double.NaN, 12);
            x.Dispose();
        }

        // three models: every correlation is flagged, the study warns, and τ's interval is not a point
        var corr = Table.Read(Path.Combine(dir, "correlations.parquet"));
        Assert.All((long[])corr.Column("n_models"), n => Assert.Equal(3, n));
        Assert.All((bool[])corr.Column("small_sample"), Assert.True);
        Assert.NotNull(Correlations.SmallSampleWarning(corr));
        // and the study verb says so on the terminal (rerun on the finished directory: every unit resumes as done)
        string file = Path.Combine(_dir, "trust.json");
        File.WriteAllText(file, Study);
        var cli = FastRobust.Tests.Cli.CliHarness.Run("study", file, "--out", dir);
        Assert.True(cli.Code == 0, cli.Err);
        Assert.Contains("warning: correlations rest on as few as 3 models", cli.Err);
        var lo = (double?[])corr.Column("kendall_tau_lo");
        var hi = (double?[])corr.Column("kendall_tau_hi");
        Assert.All(Enumerable.Range(0, corr.Rows).Where(i => lo[i] != null), i => Assert.True(hi[i] - lo[i] > 0.5, $"row {i}: [{lo[i]}, {hi[i]}]"));
        Assert.True(corr.Has("cmi") && corr.Has("cmi_given"));

        // the findings page reads the same tables: each of the seed's three findings, on n = 3 models
        string findings = SeedFindings.Write(dir, "./run.sh findings DIR");
        foreach (var f in SeedFindings.Findings) Assert.Contains("## " + f.Title, findings);
        Assert.Contains("n = 3 models", findings);
    }

    [Fact]
    public void ExactLevelsParseAndRoundTrip()
    {
        Assert.True(LevelValue.TryParse("8/255", out double e));
        Assert.True(e == 8.0 / 255);
        Assert.True(LevelValue.TryParse("0.3", out double f) && f == 0.3);
        Assert.False(LevelValue.TryParse("8/0", out _));
        Assert.False(LevelValue.TryParse("eight", out _));
        Assert.Equal(8, LevelValue.Eps255(8.0 / 255));
        var t = new Table().Add("level", new double?[] { 8.0 / 255, 2.0 / 255 });
        string path = Path.Combine(_dir, "levels.parquet");
        t.Write(path);
        var back = (double?[])Table.Read(path).Column("level");
        Assert.True(back[0] == 8.0 / 255 && back[1] == 2.0 / 255);
    }

    [Fact]
    public void APresetThatFallsBackToMnistUsesMnistsEpsilon()
    {
        var quick = StudyPresets.Load("quick");
        var onMnist = quick.ForDataset("mnist", "quick");
        var onCifar = quick.ForDataset("cifar10", "quick");
        var fgsmMnist = onMnist.Conditions.Single(c => c.Name == "fgsm");
        var fgsmCifar = onCifar.Conditions.Single(c => c.Name == "fgsm");
        Assert.Equal([0.1, 0.3], fgsmMnist.Levels);
        Assert.Equal([2.0 / 255, 8.0 / 255], fgsmCifar.Levels);
        // PGD's step follows the data set too (2/255 steps could never cross MNIST's ε = 0.3 in 10 steps)
        var pgdMnist = onMnist.Conditions.Single(c => c.Name == "pgd");
        Assert.True(LevelValue.TryParse(pgdMnist.Settings["alpha"]!.ToString(), out double alpha) && alpha * 10 >= pgdMnist.Levels.Max());
        // a map without the data set the study runs on fails, naming the condition
        var study = StudyFile.Parse("""
            { "dataset": "auto", "models": [ { "family": "custom-cnn" } ],
              "conditions": [ { "type": "clean" }, { "type": "attack", "attack": "fgsm", "eps": { "cifar10": ["8/255"] } } ] }
            """, "s");
        var e = Assert.Throws<InputException>(() => study.ForDataset("mnist", "s"));
        Assert.Contains("conditions[1]", e.Message);
        Assert.Contains("mnist", e.Message);
    }

    [Fact]
    public void ALoadedModelKeepsItsNameAndNamesAreUnique()
    {
        string spec = Path.Combine(AppContext.BaseDirectory, "Fixtures", "measures_net.json");
        string weights = Path.Combine(AppContext.BaseDirectory, "Fixtures", "measures_net.weights.safetensors");
        string Entry(string name) => $$"""{ "spec": "{{spec}}", "weights": "{{weights}}", "name": "{{name}}" }""";
        var one = StudyFile.Parse($$"""{ "models": [ {{Entry("torch-cnn")}} ], "conditions": [ { "type": "clean" } ] }""", "s");
        var unit = Assert.Single(StudyPlan.Expand(one));
        Assert.Equal("torch-cnn", unit.Id);
        Assert.Equal("loaded", unit.Source);
        var twice = StudyFile.Parse($$"""{ "models": [ {{Entry("a")}}, {{Entry("a")}} ], "conditions": [ { "type": "clean" } ] }""", "s");
        Assert.Contains("two models are named 'a'", Assert.Throws<InputException>(() => StudyPlan.Expand(twice)).Message);
        var bad = StudyFile.Parse($$"""{ "models": [ {{Entry("a b")}} ], "conditions": [ { "type": "clean" } ] }""", "s");
        Assert.Contains("'a b'", Assert.Throws<InputException>(() => StudyPlan.Expand(bad)).Message);
    }

    [Fact]
    public void KendallsIntervalIsWilsonsOnTheConcordantShare()
    {
        // n = 3, τ = 1: n_eff = 9·3·2 / (2·11) = 27/11; Wilson's lower end for p̂ = 1 is n_eff / (n_eff + z²)
        double m = 27.0 / 11, z2 = 1.959963984540054 * 1.959963984540054;
        var (lo, hi) = RankCorrelation.KendallWilson(1, 3);
        Assert.Equal(2 * (m / (m + z2)) - 1, lo, 12);
        Assert.Equal(1, hi, 12);
        Assert.True(lo < 0, "three models ranked alike cannot exclude τ = 0");
        // narrower with more models, and symmetric in the sign of τ
        var (lo50, hi50) = RankCorrelation.KendallWilson(0.4, 50);
        Assert.True(lo50 > 0.2 && hi50 < 0.6, $"[{lo50}, {hi50}]");
        var (nlo, nhi) = RankCorrelation.KendallWilson(-0.4, 50);
        Assert.Equal(-hi50, nlo, 12);
        Assert.Equal(-lo50, nhi, 12);
    }
}
