using FastRobust.Data;
using FastRobust.Nn;
using FastRobust.Tensors;
using Xunit;
using static FastRobust.Tests.Cli.CliHarness;

namespace FastRobust.Tests.Cli;

/// <summary>The CLI end to end, in process: exit codes, one-line errors, and no half-written outputs.</summary>
public sealed class CliTests : CliTestFolder
{
    /// <summary>A small saved model and matching .npy inputs.</summary>
    private (string Spec, string Weights) SaveModel()
    {
        var spec = ModelFamilies.Build("custom-cnn:depth=1,width=4,hidden=8", [1, 28, 28], 10, [0.5f], [0.5f]);
        using var m = Model.Create(spec, Device.Cpu, 1);
        m.Save(Dir);
        var x = new float[3 * 28 * 28];
        new System.Random(1).NextBytes(new byte[1]);
        for (int i = 0; i < x.Length; i++) x[i] = (i % 97) / 97f;
        Npy.WriteFloat32(P("x.npy"), x, [3, 1, 28, 28]);
        Npy.WriteLabels(P("y.npy"), [1, 2, 3]);
        return (P("model.json"), P("model.safetensors"));
    }

    /// <summary>
    /// Every verb writes through the invocation's writers, so that tests in parallel read only their own output: no
    /// file of the CLI but Program.cs (which hands the process's console to CliRunner) and Terminal.cs (which asks
    /// whether a writer is that console) names Console (Spectre's AnsiConsole draws only on an interactive terminal).
    /// </summary>
    [Fact]
    public void VerbsWriteOnlyThroughTheInvocationsWriters()
    {
        string? root = AppContext.BaseDirectory;
        while (root != null && !File.Exists(Path.Combine(root, "FastRobust.sln"))) root = Path.GetDirectoryName(root);
        Assert.NotNull(root);
        var cli = Path.Combine(root!, "src", "FastRobust.Cli");
        var files = Directory.GetFiles(cli, "*.cs", SearchOption.AllDirectories)
            .Where(f => !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}") && Path.GetFileName(f) is not ("Program.cs" or "Terminal.cs"))
            .ToList();
        Assert.Contains(files, f => f.EndsWith("PredictCommand.cs", StringComparison.Ordinal));
        var offenders = files.Where(f => System.Text.RegularExpressions.Regex.IsMatch(File.ReadAllText(f), @"\bConsole\.")).ToList();
        Assert.True(offenders.Count == 0, $"write through r.InvocationConfiguration.Output/Error instead of Console in: {string.Join(", ", offenders)}");
    }

    [Fact]
    public void UnknownVerbAndMissingOptionExitWithTwo()
    {
        Assert.Equal(2, Run("frobnicate").Code);
        var (code, _, err) = Run("predict", "--model", "m.json");
        Assert.Equal(2, code);
        Assert.Contains("--weights", err);
    }

    [Fact]
    public void PredictWritesLogitsThatMatchTheEngine()
    {
        var (spec, weights) = SaveModel();
        var (code, stdout, err) = Run("predict", "--model", spec, "--weights", weights, "--input", P("x.npy"), "--labels", P("y.npy"), "--out", P("logits.npy"), "--device", "cpu");
        Assert.True(code == 0, err);
        var (logits, shape) = Npy.ReadFloat32(P("logits.npy"));
        Assert.Equal(new[] { 3, 10 }, shape);
        using var m = Model.Load(spec, weights, Device.Cpu);
        using var x = Tensor.FromArray(Npy.ReadFloat32(P("x.npy")).Data, [3, 1, 28, 28]);
        Assert.Equal(m.Forward(x).ToArray(), logits);
        // the verb's report comes through the invocation's writer, not the process's console
        Assert.Contains($"wrote logits [3, 10] to {P("logits.npy")}", stdout);
        Assert.Contains("accuracy", stdout);
    }

    [Fact]
    public void BadSpecExitsWithTwoAndWritesNothing()
    {
        SaveModel();
        File.WriteAllText(P("bad.json"), """{"input": [1, 28, 28], "classes": 10, "layers": [{"type": "softmax"}]}""");
        var (code, _, err) = Run("predict", "--model", P("bad.json"), "--weights", P("model.safetensors"), "--input", P("x.npy"), "--out", P("logits.npy"));
        Assert.Equal(2, code);
        Assert.Contains("bad.json", err);
        Assert.Contains("unknown layer type 'softmax'", err);
        Assert.Single(err.Trim().Split('\n'), l => l.StartsWith("error:"));
        Assert.False(File.Exists(P("logits.npy")));
    }

    [Fact]
    public void TruncatedWeightsExitWithTwo()
    {
        var (spec, weights) = SaveModel();
        var bytes = File.ReadAllBytes(weights);
        File.WriteAllBytes(weights, bytes[..(bytes.Length / 2)]);
        var (code, _, err) = Run("saliency", "--model", spec, "--weights", weights, "--input", P("x.npy"), "--labels", P("y.npy"), "--out", P("g.npy"));
        Assert.Equal(2, code);
        Assert.Contains("model.safetensors", err);
        Assert.False(File.Exists(P("g.npy")));
    }

    [Fact]
    public void WrongImageShapeIsNamed()
    {
        var (spec, weights) = SaveModel();
        Npy.WriteFloat32(P("rgb.npy"), new float[2 * 3 * 32 * 32], [2, 3, 32, 32]);
        var (code, _, err) = Run("predict", "--model", spec, "--weights", weights, "--input", P("rgb.npy"), "--out", P("logits.npy"));
        Assert.Equal(2, code);
        Assert.Contains("rgb.npy", err);
        Assert.Contains("[N, 1, 28, 28]", err);
    }

    [Fact]
    public void LabelOutsideTheClassesIsAnError()
    {
        var (spec, weights) = SaveModel();
        Npy.WriteLabels(P("bad-y.npy"), [1, 12, 3]);
        var (code, _, err) = Run("saliency", "--model", spec, "--weights", weights, "--input", P("x.npy"), "--labels", P("bad-y.npy"), "--out", P("g.npy"));
        Assert.Equal(2, code);
        Assert.Contains("label 12 at index 1", err);
    }

    [Fact]
    public void SaliencyWritesGradientAndPng()
    {
        var (spec, weights) = SaveModel();
        var (code, _, err) = Run("saliency", "--model", spec, "--weights", weights, "--input", P("x.npy"), "--labels", P("y.npy"), "--out", P("g.npy"), "--png", P("png"));
        Assert.True(code == 0, err);
        var (g, shape) = Npy.ReadFloat32(P("g.npy"));
        Assert.Equal(new[] { 3, 1, 28, 28 }, shape);
        Assert.Contains(g, v => v != 0f);
        var png = File.ReadAllBytes(Path.Combine(P("png"), "saliency.png"));
        Assert.Equal(new byte[] { 0x89, (byte)'P', (byte)'N', (byte)'G' }, png[..4]);
    }

    [Fact]
    public void BadNumbersAreUsageErrors()
    {
        Assert.Equal(2, Run("train", "--epochs", "0", "--out", P("t")).Code);
        Assert.Equal(2, Run("train", "--optimizer", "lbfgs", "--out", P("t")).Code);
        Assert.Equal(2, Run("train", "--lr", "-1", "--out", P("t")).Code);
        Assert.Equal(2, Run("train", "--device", "tpu", "--out", P("t")).Code);
        Assert.Equal(2, Run("train", "--model", "resnet50", "--limit", "64", "--test-limit", "64", "--out", P("t")).Code);
        Assert.False(Directory.Exists(P("t")) && Directory.GetFiles(P("t")).Length > 0);
    }

    [Fact]
    public void TrainOnBundledMnistWritesAModelThatLoads()
    {
        var (code, _, err) = Run("train", "--dataset", "mnist", "--model", "custom-cnn:depth=1,width=8,hidden=32", "--epochs", "1", "--batch", "32",
            "--optimizer", "adam", "--lr", "0.003", "--limit", "2048", "--test-limit", "512", "--out", P("run"), "--device", "cpu", "--seed", "3");
        Assert.True(code == 0, err);
        foreach (var f in new[] { "model.json", "model.safetensors", "init.safetensors", "training.json" })
            Assert.True(File.Exists(Path.Combine(P("run"), f)), f);
        using var m = Model.Load(Path.Combine(P("run"), "model.json"), Path.Combine(P("run"), "model.safetensors"), Device.Cpu);
        var test = DataLocator.Load("mnist", "test").Take(512);
        var (acc, _) = FastRobust.Training.BatchedInference.Evaluate(m, test.Images, test.Labels, 256);
        Assert.True(acc > 0.8, $"accuracy after 2048 images: {acc}");
    }
}
