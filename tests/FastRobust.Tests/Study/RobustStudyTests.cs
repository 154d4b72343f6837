using FastRobust.Data;
using FastRobust.Nn;
using FastRobust.Study;
using FastRobust.Tables;
using FastRobust.Tensors;
using FastRobust.Training;
using FastRobust.Util;
using Xunit;

namespace FastRobust.Tests.StudyTests;

/// <summary>
/// A study mixing standard, adversarially trained and noise-trained models: the robust keys of training_grid reach
/// the trainer (a unit retrained directly from the keys' meaning gives the very same weights) and come back as
/// typed columns of models.parquet.
/// </summary>
public sealed class RobustStudyTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("fr-robust-study-").FullName;

    public void Dispose()
    {
        try { Directory.Delete(_dir, true); } catch (IOException) { }
    }

    private const string Study = """
        { "name": "robust-tiny", "dataset": "mnist", "train_images": 256, "test_images": 64, "attack_images": 32, "measure_images": 64,
          "training": { "epochs": 1, "batch": 64, "optimizer": "adam", "lr": 0.003 },
          "models": [
            { "family": "custom-cnn", "grid": { "depth": [1], "width": [4], "hidden": [8] },
              "training_grid": { "adversarial": ["pgd"], "train_eps": [0, 0.2], "train_steps": [2] } },
            { "family": "custom-cnn", "name": "trades", "grid": { "depth": [1], "width": [4], "hidden": [8] },
              "training_grid": { "adversarial": ["trades"], "train_eps": [0.1], "trades_beta": [3], "train_alpha": [0.05] } },
            { "family": "custom-cnn", "name": "noise", "grid": { "depth": [1], "width": [4], "hidden": [8] },
              "training_grid": { "noise_sigma": [0.25] } } ],
          "conditions": [ { "type": "clean" }, { "type": "attack", "attack": "pgd", "eps": [0.2] } ],
          "measures": "none" }
        """;

    [Fact]
    public void RobustKeysRoundTripIntoTheModelsTable()
    {
        string dir = Path.Combine(_dir, "s");
        var outcome = StudyRunner.Run(StudyFile.Parse(Study, "robust-tiny"), "robust-tiny", dir, Shard.All, force: false, Device.Cpu, new SilentStudyProgress());
        Assert.Equal(4, outcome.Ran);
        var models = Table.Read(Path.Combine(dir, "models.parquet"));
        var ids = models.Strings("model");
        Assert.IsType<string?[]>(models.Column("adversarial"));
        Assert.IsType<double?[]>(models.Column("train_eps"));
        Assert.IsType<double?[]>(models.Column("train_alpha"));
        Assert.IsType<long[]>(models.Column("train_steps"));
        Assert.IsType<double?[]>(models.Column("noise_sigma"));
        Assert.IsType<double?[]>(models.Column("trades_beta"));
        int Row(string prefix, string contains) => Enumerable.Range(0, ids.Length).Single(i => ids[i]!.StartsWith(prefix) && ids[i]!.Contains(contains));
        var adv = models.Strings("adversarial");
        var eps = (double?[])models.Column("train_eps");
        var alpha = (double?[])models.Column("train_alpha");
        var steps = (long[])models.Column("train_steps");
        var sigma = (double?[])models.Column("noise_sigma");
        var beta = (double?[])models.Column("trades_beta");

        int standard = Row("custom-cnn", "train_eps=0_"), pgd = Row("custom-cnn", "train_eps=0.2"), trades = Row("trades", ""), noise = Row("noise", "");
        Assert.Equal(("none", 0.0, 0L, (double?)null), (adv[standard], eps[standard]!.Value, steps[standard], alpha[standard]));
        Assert.Equal(("pgd", 2L), (adv[pgd], steps[pgd]));
        Assert.Equal(0.2, eps[pgd]!.Value, 6);
        Assert.Equal(2.5 * 0.2 / 2, alpha[pgd]!.Value, 6);
        Assert.Equal(("trades", 10L), (adv[trades], steps[trades]));
        Assert.Equal(3.0, beta[trades]!.Value, 6);
        Assert.Equal(0.05, alpha[trades]!.Value, 6);
        Assert.Null(beta[pgd]);
        Assert.Equal(("none", 0.25), (adv[noise], Math.Round(sigma[noise]!.Value, 6)));

        // the pgd unit's weights are what the trainer gives for the keys' meaning, set here by hand
        string unit = Path.Combine(dir, "units", ids[pgd]!);
        using var saved = Model.Load(Path.Combine(unit, "model.json"), Path.Combine(unit, "model.safetensors"), Device.Cpu);
        using var again = Model.Create(saved.Spec, Device.Cpu, 0);
        var train = DataLocator.Load("mnist", "train").Take(256);
        Trainer.Run(again, train, null, new TrainOptions
        {
            Epochs = 1, Batch = 64, Optimizer = "adam", Lr = 0.003f, Seed = 0, RobustEvalLimit = 0,
            Robust = new RobustOptions { Method = AdversarialMethod.Pgd, Epsilon = 0.2f, Steps = 2 }.Resolve(),
        });
        var a = saved.StateDict();
        var b = again.StateDict();
        for (int i = 0; i < a.Count; i++) Assert.Equal(a[i].Values, b[i].Values);
    }

    [Theory]
    [InlineData("\"adversarial\": [\"pgdx\"], \"train_eps\": [0.1]", "pgdx")]
    [InlineData("\"train_eps\": [0.1]", "need --adversarial")]
    [InlineData("\"adversarial\": [\"trades\"], \"train_eps\": [0.1], \"train_norm\": [\"l2\"]", "linf only")]
    [InlineData("\"adversarial\": [\"pgd\"], \"train_eps\": [0.1], \"train_steps\": [1.5]", "integer")]
    public void BadRobustKeysAreNamedBeforeAnyWork(string grid, string message)
    {
        string text = Study.Replace("\"training_grid\": { \"noise_sigma\": [0.25] }", "\"training_grid\": { " + grid + " }");
        string dir = Path.Combine(_dir, "bad");
        var e = Assert.Throws<InputException>(() =>
            StudyRunner.Run(StudyFile.Parse(text, "robust-tiny"), "robust-tiny", dir, Shard.All, force: false, Device.Cpu, new SilentStudyProgress()));
        Assert.Contains(message, e.Message);
        Assert.Contains("noise", e.Message);
        Assert.False(File.Exists(Path.Combine(dir, "models.parquet")));
    }
}
