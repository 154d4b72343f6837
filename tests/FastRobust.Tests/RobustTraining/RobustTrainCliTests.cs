using System.Text.Json;
using FastRobust.Tests.Cli;
using Xunit;

namespace FastRobust.Tests.RobustTraining;

/// <summary>./run.sh train with robust training: what training.json records, and bad settings exit 2 with no output.</summary>
public sealed class RobustTrainCliTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("fr-robust-cli-").FullName;

    public void Dispose() => Directory.Delete(_dir, true);

    private static (int Code, string Err) Run(params string[] args)
    {
        var r = CliHarness.Run(args);
        return (r.Code, r.Err);
    }

    [Fact]
    public void TrainingJsonRecordsTheMethodAndTheRobustHistory()
    {
        string dir = Path.Combine(_dir, "run");
        var (code, err) = Run("train", "--dataset", "mnist", "--model", "custom-cnn:depth=1,width=4,hidden=16", "--epochs", "2", "--batch", "64",
            "--optimizer", "adam", "--lr", "0.003", "--limit", "512", "--val-split", "0.25", "--adversarial", "pgd", "--train-eps", "0.1",
            "--train-steps", "2", "--train-eps-warmup", "1", "--robust-eval", "64", "--out", dir, "--device", "cpu");
        Assert.True(code == 0, err);
        var doc = JsonDocument.Parse(File.ReadAllText(Path.Combine(dir, "training.json"))).RootElement;
        var robust = doc.GetProperty("options").GetProperty("robust");
        Assert.Equal("pgd", robust.GetProperty("method").GetString());
        Assert.Equal(0.1, robust.GetProperty("epsilon").GetDouble(), 6);
        Assert.Equal(0.125, robust.GetProperty("alpha").GetDouble(), 6);
        Assert.Equal(2, robust.GetProperty("steps").GetInt32());
        Assert.Equal("validation", doc.GetProperty("eval_set").GetString());
        var history = doc.GetProperty("history").EnumerateArray().ToList();
        Assert.Equal(2, history.Count);
        foreach (var h in history)
        {
            foreach (var k in new[] { "clean_train_loss", "clean_train_accuracy", "test_robust_accuracy", "train_accuracy" })
                Assert.Equal(JsonValueKind.Number, h.GetProperty(k).ValueKind);
            Assert.InRange(h.GetProperty("test_robust_accuracy").GetDouble(), 0, h.GetProperty("test_accuracy").GetDouble());
        }
        // the warm-up reaches the full ε at the end of the first epoch
        Assert.Equal(0.1, history[0].GetProperty("train_eps").GetDouble(), 6);
    }

    [Theory]
    [InlineData("--adversarial", "trades", "--train-eps", "0.1", "--train-norm", "l2")]
    [InlineData("--adversarial", "pgd")]
    [InlineData("--noise-sigma", "-1")]
    [InlineData("--adversarial", "fgsm-rs", "--train-eps", "0.1", "--train-steps", "3")]
    public void BadSettingsExitWithTwoAndWriteNothing(params string[] extra)
    {
        string dir = Path.Combine(_dir, "bad");
        var (code, err) = Run(["train", "--dataset", "mnist", "--limit", "64", "--out", dir, "--device", "cpu", .. extra]);
        Assert.Equal(2, code);
        Assert.False(string.IsNullOrWhiteSpace(err));
        Assert.False(Directory.Exists(dir));
    }
}
