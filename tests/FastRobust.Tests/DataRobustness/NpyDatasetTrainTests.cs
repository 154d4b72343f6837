using FastRobust.Data;
using FastRobust.Nn;
using FastRobust.Tests.Cli;
using Xunit;

namespace FastRobust.Tests.DataRobustness;

/// <summary>train --dataset npy:DIR: a set written as .npy arrays trains exactly as the set it came from.</summary>
public class NpyDatasetTrainTests : CliTestFolder
{
    [Fact]
    public void Training_OnTheSameImagesAsNpyArrays_GivesTheSameWeights()
    {
        string npy = P("arrays");
        NpyFolder.Write(DataLocator.Load("mnist", "train").Take(256), npy, "train");
        NpyFolder.Write(DataLocator.Load("mnist", "test").Take(128), npy, "test");
        string spec = Path.Combine(AppContext.BaseDirectory, "Fixtures", "attack_mnist.json");
        string[] common = ["train", "--model", spec, "--epochs", "2", "--batch", "32", "--optimizer", "adam", "--lr", "0.002", "--device", "cpu", "--seed", "3"];
        var a = CliHarness.Run([.. common, "--dataset", "mnist", "--limit", "256", "--test-limit", "128", "--out", P("a")]);
        Assert.True(a.Code == 0, a.Out + a.Err);
        var b = CliHarness.Run([.. common, "--dataset", $"npy:{npy}", "--out", P("b")]);
        Assert.True(b.Code == 0, b.Out + b.Err);
        var wa = SafeTensors.Read(P("a/model.safetensors"));
        var wb = SafeTensors.Read(P("b/model.safetensors"));
        Assert.Equal(wa.Keys.Order(), wb.Keys.Order());
        foreach (var (name, arr) in wa) Assert.Equal(arr.Values, wb[name].Values);
        // the accuracy line names the same test accuracy
        Assert.Equal(a.Out.Split('\n').Last(l => l.Contains("test accuracy")).Split(" after")[0],
                     b.Out.Split('\n').Last(l => l.Contains("test accuracy")).Split(" after")[0]);
    }

    [Fact]
    public void AFolderWithoutItsArrays_IsAClearError()
    {
        var r = CliHarness.Run("train", "--dataset", $"npy:{Dir}", "--out", P("m"), "--device", "cpu");
        Assert.Equal(2, r.Code);
        Assert.Contains("train_images.npy", r.Err);
        NpyFolder.Write(DataLocator.Load("mnist", "train").Take(16), Dir, "train");
        r = CliHarness.Run("train", "--dataset", $"npy:{Dir}", "--out", P("m"), "--device", "cpu");
        Assert.Equal(2, r.Code);
        Assert.Contains("test_images.npy", r.Err);
        Assert.False(Directory.Exists(P("m")));
    }
}
