using FastRobust.Attacks;
using FastRobust.Data;
using FastRobust.Tables;
using Xunit;
using FastRobust.Tests.Cli;
using static FastRobust.Tests.Cli.CliHarness;

namespace FastRobust.Tests.Attacks;

/// <summary>The attack verb end to end, in process: outputs, and one clear error with exit code 2 before any work on bad input.</summary>
public sealed class AttackCliTests : CliTestFolder
{
    private static readonly AttackFixture F = AttackFixture.Instance;
    /// <summary>Writes the first n fixture images and labels as .npy; returns the common arguments.</summary>
    private string[] Inputs(int n = 8)
    {
        Npy.WriteFloat32(P("x.npy"), F.Data.Images[..(n * 784)], [n, 1, 28, 28]);
        Npy.WriteLabels(P("y.npy"), F.Data.Labels[..n]);
        return ["attack", "--model", F.SpecPath, "--weights", F.WeightsPath, "--input", P("x.npy"), "--labels", P("y.npy"), "--device", "cpu"];
    }

    [Fact]
    public void WritesAdversarialImagesSampleTableAndPicture()
    {
        var (code, _, err) = Run([.. Inputs(), "--attack", "pgd", "--eps", "0.2", "--out", P("adv.npy"), "--samples", P("s.parquet"), "--png", P("png"), "--seed", "2"]);
        Assert.True(code == 0, err);
        var (adv, shape) = Npy.ReadFloat32(P("adv.npy"));
        Assert.Equal(new[] { 8, 1, 28, 28 }, shape);
        var table = Table.Read(P("s.parquet"));
        Assert.Equal(8, table.Rows);
        Assert.Equal(new[] { "attack", "epsilon", "sample", "label", "target", "clean_prediction", "adv_prediction", "clean_correct", "attacked",
            "success", "steps", "survived_steps", "queries", "gradients", "l0", "l1", "l2", "linf" }, table.ColumnNames);
        var linf = (double?[])table.Column("linf");
        var x = F.Data.Images;
        for (int i = 0; i < 8; i++)
        {
            double m = 0;
            for (int j = 0; j < 784; j++) m = Math.Max(m, Math.Abs(adv[i * 784 + j] - x[i * 784 + j]));
            Assert.Equal(m, linf[i]!.Value, 1e-6);
        }
        Assert.Equal(F.Data.Labels[..8].Select(v => (long)v), (long[])table.Column("label"));
        Assert.Contains(true, (bool[])table.Column("success"));
        var png = File.ReadAllBytes(Path.Combine(P("png"), "attack.png"));
        Assert.Equal(new byte[] { 0x89, (byte)'P', (byte)'N', (byte)'G' }, png[..4]);

        // the same run through the library gives the same images
        using var model = F.LoadModel();
        using var r = AttackFixture.Run(model, "pgd", x[..(8 * 784)], F.Data.Labels[..8], new AttackOptions { Epsilon = 0.2f }, seed: 2);
        Assert.Equal(r.AdversarialToArray(), adv);
    }

    /// <summary>autoattack (alias aa): the log of robust accuracy per member and RobustBench's JSON fields; a bad --version is a usage error.</summary>
    [Fact]
    public void AutoAttackPrintsItsLogAndRobustBenchJson()
    {
        var (code, output, err) = Run([.. Inputs(), "--attack", "aa", "--eps", "0.15", "--steps", "5", "--out", P("adv.npy"), "--json"]);
        Assert.True(code == 0, err);
        foreach (var member in new[] { "apgd-ce", "apgd-t", "fab-t", "square" }) Assert.Contains("robust after " + member, output);
        var json = System.Text.Json.JsonDocument.Parse(output.Trim().Split('\n')[^1]).RootElement;
        Assert.Equal("Linf", json.GetProperty("norm").GetString());
        Assert.Equal(8, json.GetProperty("n").GetInt32());
        Assert.Equal(0.15, json.GetProperty("eps").GetDouble(), 1e-6);
        double clean = json.GetProperty("clean_acc").GetDouble(), robust = json.GetProperty("autoattack_acc").GetDouble();
        Assert.Equal(100 * json.GetProperty("robust_accuracy").GetDouble(), robust, 0.01);
        Assert.True(robust <= clean);
        var after = json.GetProperty("robust_acc_after").EnumerateObject().Select(p => p.Value.GetDouble()).ToArray();
        Assert.Equal(4, after.Length);
        Assert.Equal(robust, after[^1], 0.01);

        var (bad, _, badErr) = Run([.. Inputs(), "--attack", "autoattack", "--eps", "0.1", "--version", "custom", "--out", P("bad.npy")]);
        Assert.Equal(2, bad);
        Assert.Contains("version 'custom'", badErr);
        Assert.False(File.Exists(P("bad.npy")));
        var (other, _, otherErr) = Run([.. Inputs(), "--attack", "pgd", "--eps", "0.1", "--version", "plus", "--out", P("bad.npy")]);
        Assert.Equal(2, other);
        Assert.Contains("--version", otherErr);
    }

    [Fact]
    public void DatasetSplitAndPerSampleTargetsFile()
    {
        Npy.WriteLabels(P("t.npy"), Enumerable.Range(0, 6).Select(i => (F.Data.Labels[i] + 1) % 10).ToArray());
        var (code, _, err) = Run("attack", "--model", F.SpecPath, "--weights", F.WeightsPath, "--dataset", "mnist", "--split", "test", "--limit", "6",
            "--attack", "pgd", "--eps", "0.3", "--steps", "20", "--target", P("t.npy"), "--out", P("adv.npy"), "--samples", P("s.parquet"), "--device", "cpu");
        Assert.True(code == 0, err);
        var table = Table.Read(P("s.parquet"));
        Assert.Equal(Enumerable.Range(0, 6).Select(i => (long)((F.Data.Labels[i] + 1) % 10)), (long[])table.Column("target"));
        var success = (bool[])table.Column("success");
        var pred = (long[])table.Column("adv_prediction");
        var target = (long[])table.Column("target");
        for (int i = 0; i < 6; i++) Assert.Equal(pred[i] == target[i], success[i]);
    }

    public static TheoryData<string[], string> BadInputs() => new()
    {
        { ["--attack", "pgd", "--eps", "-0.1"], "must not be negative" },
        { ["--attack", "pgd", "--eps", "0.1", "--steps", "0"], "--steps must be at least 1" },
        { ["--attack", "apgd-ce", "--eps", "0.1", "--alpha", "0.01"], "--alpha does not apply" },
        { ["--attack", "deepfool", "--target", "random"], "untargeted only" },
        { ["--attack", "pgd", "--eps", "0.1", "--target", "12"], "outside the model's 10 classes" },
        { ["--attack", "pgd", "--eps", "0.1", "--target", "sideways"], "--target 'sideways'" },
        { ["--attack", "pgd"], "pgd needs ε" },
        { ["--attack", "random-l0", "--eps", "1000"], "exceeds the 784 pixels" },
        { ["--attack", "pgd", "--eps", "0.1", "--dataset", "mnist"], "not both" },
    };

    [Theory]
    [MemberData(nameof(BadInputs))]
    public void BadOptionsExitWithTwoBeforeAnyWork(string[] extra, string message)
    {
        var (code, _, err) = Run([.. Inputs(), .. extra, "--out", P("adv.npy"), "--samples", P("s.parquet")]);
        Assert.Equal(2, code);
        Assert.Contains(message, err);
        Assert.Single(err.Trim().Split('\n'), l => l.StartsWith("error:"));
        Assert.False(File.Exists(P("adv.npy")));
        Assert.False(File.Exists(P("s.parquet")));
    }

    [Fact]
    public void UnknownAttackIsAUsageError()
    {
        var (code, _, err) = Run([.. Inputs(), "--attack", "hopskipjump", "--eps", "0.1", "--out", P("adv.npy")]);
        Assert.Equal(2, code);
        Assert.Contains("hopskipjump", err);
        Assert.False(File.Exists(P("adv.npy")));
    }

    [Fact]
    public void MismatchedShapesAndLabelsAreNamed()
    {
        var args = Inputs();
        Npy.WriteFloat32(P("rgb.npy"), new float[2 * 3 * 32 * 32], [2, 3, 32, 32]);
        var (code, _, err) = Run([.. args[..5], "--input", P("rgb.npy"), "--labels", P("y.npy"), "--attack", "fgsm", "--eps", "0.1", "--out", P("adv.npy")]);
        Assert.Equal(2, code);
        Assert.Contains("y.npy: 8 labels for 2 images", err);
        Npy.WriteLabels(P("y2.npy"), [1, 2]);
        (code, _, err) = Run([.. args[..5], "--input", P("rgb.npy"), "--labels", P("y2.npy"), "--attack", "fgsm", "--eps", "0.1", "--out", P("adv.npy")]);
        Assert.Equal(2, code);
        Assert.Contains("[N, 1, 28, 28]", err);
        Npy.WriteLabels(P("bad-y.npy"), [1, 2, 3, 4, 5, 6, 7, 12]);
        (code, _, err) = Run([.. args[..5], "--input", P("x.npy"), "--labels", P("bad-y.npy"), "--attack", "fgsm", "--eps", "0.1", "--out", P("adv.npy")]);
        Assert.Equal(2, code);
        Assert.Contains("label 12 at index 7", err);
        Assert.False(File.Exists(P("adv.npy")));
    }
}
