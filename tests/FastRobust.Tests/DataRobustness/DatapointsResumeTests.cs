using System.Diagnostics;
using System.Text.Json.Nodes;
using FastRobust.DataRobustness;
using FastRobust.Tables;
using FastRobust.Tests.Cli;
using Xunit;

namespace FastRobust.Tests.DataRobustness;

/// <summary>
/// ./run.sh datapoints end to end on a few hundred bundled MNIST images: a run killed with SIGKILL after a stage
/// has committed, and killed again later, resumes to exactly the result of an uninterrupted run; settings that
/// differ from the folder's run are refused.
/// </summary>
public class DatapointsResumeTests : CliTestFolder
{
    private static readonly string[] Args =
    [
        "datapoints", "--dataset", "mnist", "--model", "custom-cnn:depth=1,width=4,hidden=16", "--epochs", "1", "--optimizer", "adam",
        "--lr", "0.01", "--limit", "400", "--test-limit", "300", "--k", "28", "--max-steps", "120", "--per-class", "12",
        "--scheme-batch", "64", "--device", "cpu", "--seed", "1",
    ];

    private static string[] With(string dir, params string[] extra) => [.. Args, "--out", dir, .. extra];

    [Fact]
    public void KilledBetweenStages_ResumesToTheUninterruptedResult()
    {
        string reference = P("reference"), killed = P("killed");
        var r = CliHarness.Run(With(reference));
        Assert.True(r.Code == 0, r.Out + r.Err);

        // SIGKILL once M is committed (the scheme on the training set is then under way), and again once the test set's outcomes are
        KillAfter(killed, Path.Combine(killed, "original", "model.safetensors"));
        Assert.False(File.Exists(Path.Combine(killed, DatapointsPipeline.TrainSamples)) && File.Exists(Path.Combine(killed, DatapointsPipeline.SummaryFile)));
        KillAfter(killed, Path.Combine(killed, DatapointsPipeline.TestSamples));
        Assert.False(File.Exists(Path.Combine(killed, DatapointsPipeline.SummaryFile)));

        var resumed = CliHarness.Run(With(killed));
        Assert.True(resumed.Code == 0, resumed.Out + resumed.Err);
        Assert.Contains("original: done before, kept", resumed.Out);
        Assert.Contains("train_samples: done before, kept", resumed.Out);
        Assert.Contains("test_samples: done before, kept", resumed.Out);

        foreach (string table in new[] { DatapointsPipeline.TrainSamples, DatapointsPipeline.TestSamples, DatapointsPipeline.RetrainedTestSamples, DatapointsPipeline.SubsetFile })
            SameTable(Path.Combine(reference, table), Path.Combine(killed, table));
        foreach (string model in new[] { "original", "retrained" })
            Assert.Equal(File.ReadAllBytes(Path.Combine(reference, model, "model.safetensors")), File.ReadAllBytes(Path.Combine(killed, model, "model.safetensors")));
        Assert.True(JsonNode.DeepEquals(Results(reference), Results(killed)));
        Assert.Empty(Directory.GetFiles(killed, "*.tmp", SearchOption.AllDirectories));
        Assert.Empty(Directory.GetDirectories(killed, "*.partial"));
        foreach (string png in new[] { DatapointsPipeline.SurvivalPng, DatapointsPipeline.PerClassPng, DatapointsPipeline.ExamplesPng })
            Assert.True(new FileInfo(Path.Combine(killed, png)).Length > 1000, png);

        // the summary has the keys
        var s = Results(reference);
        foreach (string key in new[] { "test_accuracy", "test_robust_fraction" })
        {
            Assert.NotNull(s["original"]![key]);
            Assert.NotNull(s["retrained"]![key]);
        }
        Assert.Equal(10, s["robust_train_per_class"]!.AsArray().Count);
        Assert.Equal(12, (int)s["per_class"]!);
        Assert.Equal(28, (int)s["k"]!);
        Assert.Equal(120, (int)s["max_steps"]!);
        // a finished run rerun does no work again
        var again = CliHarness.Run(With(reference));
        Assert.Contains("retrained_test_samples: done before, kept", again.Out);
    }

    [Fact]
    public void OtherSettings_OrAFolderOfSomethingElse_AreRefusedWithExitCode2()
    {
        string dir = P("run");
        Directory.CreateDirectory(dir);
        File.WriteAllText(Path.Combine(dir, DatapointsPipeline.SettingsFile), new DatapointsSettingsText().Text);
        var r = CliHarness.Run([.. With(dir).Select(a => a == "28" ? "20" : a)]);
        Assert.Equal(2, r.Code);
        Assert.Contains("other settings", r.Err);

        string other = P("other");
        Directory.CreateDirectory(other);
        File.WriteAllText(Path.Combine(other, "notes.txt"), "mine");
        r = CliHarness.Run(With(other));
        Assert.Equal(2, r.Code);
        Assert.Contains("not empty", r.Err);
        Assert.Equal(["notes.txt"], Directory.GetFiles(other).Select(Path.GetFileName));

        r = CliHarness.Run([.. With(P("x")), "--from", Dir]);
        Assert.Equal(2, r.Code);
        Assert.Contains("not both", r.Err);
    }

    /// <summary>A settings file of some other run.</summary>
    private sealed class DatapointsSettingsText
    {
        public string Text => "{\n  \"dataset\": \"mnist\",\n  \"k\": 28\n}\n";
    }

    private static JsonObject Results(string dir)
    {
        var s = JsonNode.Parse(File.ReadAllText(Path.Combine(dir, DatapointsPipeline.SummaryFile)))!.AsObject();
        s.Remove("seconds");
        s.Remove("cpu_seconds");
        return s;
    }

    private static void SameTable(string a, string b)
    {
        Table ta = Table.Read(a), tb = Table.Read(b);
        Assert.Equal(ta.ColumnNames, tb.ColumnNames);
        foreach (string c in ta.ColumnNames) Assert.Equal(ta.Doubles(c), tb.Doubles(c));
    }

    /// <summary>Starts the CLI on <paramref name="dir"/> and kills it (SIGKILL) as soon as <paramref name="marker"/> exists.</summary>
    private static void KillAfter(string dir, string marker)
    {
        var psi = new ProcessStartInfo("dotnet", [Path.Combine(AppContext.BaseDirectory, "FastRobust.Cli.dll"), .. With(dir)])
        {
            RedirectStandardOutput = true, RedirectStandardError = true,
        };
        using var p = Process.Start(psi)!;
        p.OutputDataReceived += (_, _) => { };
        p.ErrorDataReceived += (_, _) => { };
        p.BeginOutputReadLine();
        p.BeginErrorReadLine();
        var sw = Stopwatch.StartNew();
        while (!p.HasExited && !File.Exists(marker) && sw.Elapsed < TimeSpan.FromMinutes(3)) Thread.Sleep(5);
        Assert.False(p.HasExited, $"the run ended (exit {(p.HasExited ? p.ExitCode : 0)}) before it could be killed");
        p.Kill(entireProcessTree: true);
        p.WaitForExit();
    }
}
