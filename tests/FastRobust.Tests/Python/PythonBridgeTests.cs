using FastRobust.Data;
using FastRobust.Tests.Cli;
using Xunit;

namespace FastRobust.Tests.Python;

/// <summary>
/// python/fastrobust_torch.py against FastRobust itself: models written by the bridge give PyTorch's logits in
/// FastRobust's predict, and models FastRobust trained give FastRobust's logits in PyTorch after the bridge's load.
/// Runs Debian's /usr/bin/python3 with python3-torch; skipped with the reason where torch is missing, unless
/// FASTROBUST_REQUIRE_TORCH=1 (set by .ci/run, which installs it), where a missing torch fails.
/// </summary>
public class PythonBridgeTests : CliTestFolder
{
    private const string Python = "/usr/bin/python3";

    private static readonly string Script = Path.Combine(
        DataLocator.RepositoryRoot(AppContext.BaseDirectory)!, "tests", "FastRobust.Tests", "Python", "bridge_roundtrip.py");

    [SkippableTheory]
    [InlineData("cifar_like")]
    [InlineData("mnist_like")]
    public void ModelSavedByTheBridge_GivesTorchsLogitsInPredict(string name)
    {
        SkipIfNoTorch();
        RunPython("export", Dir);
        string d = P(name);
        var r = CliHarness.Run("predict", "--model", Path.Combine(d, "model.json"), "--weights", Path.Combine(d, "model.safetensors"),
            "--input", Path.Combine(d, "x.npy"), "--out", Path.Combine(d, "ours.npy"));
        Assert.True(r.Code == 0, r.Err);
        AssertClose(Npy.ReadFloat32(Path.Combine(d, "torch_logits.npy")), Npy.ReadFloat32(Path.Combine(d, "ours.npy")));
    }

    [SkippableFact]
    public void ModelTrainedByFastRobust_GivesItsLogitsInTorchAfterLoad()
    {
        SkipIfNoTorch();
        // batch norm after a few steps has running statistics far from (0, 1), so a dropped buffer would show
        string spec = P("spec.json");
        File.WriteAllText(spec, """
            { "input": [1, 28, 28], "classes": 10, "layers": [
              {"type": "normalize", "mean": [0.13], "std": [0.31]},
              {"type": "conv2d", "out": 6, "kernel": 3, "padding": 1}, {"type": "batchnorm2d"}, {"type": "relu"},
              {"type": "maxpool2d", "kernel": 2}, {"type": "dropout", "p": 0.2}, {"type": "flatten"},
              {"type": "linear", "out": 10} ] }
            """);
        var train = CliHarness.Run("train", "--dataset", "mnist", "--model", spec, "--limit", "256", "--test-limit", "64",
            "--epochs", "1", "--batch", "64", "--out", P("trained"));
        Assert.True(train.Code == 0, train.Err);
        var mnist = DataLocator.Load("mnist", "test").Take(16);
        NpyDataset.Write(mnist, P("x.npy"), P("y.npy"));
        var r = CliHarness.Run("predict", "--model", P("trained/model.json"), "--weights", P("trained/model.safetensors"),
            "--input", P("x.npy"), "--out", P("ours.npy"));
        Assert.True(r.Code == 0, r.Err);
        RunPython("logits", P("trained"), P("x.npy"), P("torch.npy"));
        AssertClose(Npy.ReadFloat32(P("ours.npy")), Npy.ReadFloat32(P("torch.npy")));
    }

    [SkippableTheory]
    [InlineData("csv")]
    [InlineData("json")]
    public void ReadTable_OfAReportExport_GivesTheTablesValues(string format)
    {
        SkipIfNoTorch();
        var table = new FastRobust.Tables.Table()
            .Add("text", new string?[] { "plain", "a,b", "say \"hi\"", "two\nlines", "ε σ τ ×", null, "NA" })
            .Add("count", new long[] { 0, -1, long.MaxValue, long.MinValue, 42, 7, 8 })
            .Add("value", new double?[] { 0.1, 1.0 / 3, -0.0, 1e-300, double.NaN, double.PositiveInfinity, null })
            .Add("flag", new[] { true, false, true, false, true, false, true });
        string export = P($"table.{format}");
        FastRobust.Tables.TableExport.Write(table, export, FastRobust.Tables.TableExport.Parse(format, "--format"));
        RunPython("table", export, P("read.json"));
        var read = System.Text.Json.JsonSerializer.Deserialize<Dictionary<string, string[]>>(File.ReadAllText(P("read.json")))!;
        Assert.Equal(["text", "count", "value", "flag"], read.Keys);
        // a missing value reads as NaN from CSV (pandas cannot tell a missing text from NaN there) and as None from JSON
        string missing = format == "csv" ? "nan" : "None";
        Assert.Equal(["plain", "a,b", "say \"hi\"", "two\nlines", "ε σ τ ×", missing, "NA"], read["text"]);
        Assert.Equal(((long[])table.Column("count")).Select(v => v.ToString(System.Globalization.CultureInfo.InvariantCulture)), read["count"]);
        Assert.Equal(["True", "False", "True", "False", "True", "False", "True"], read["flag"]);
        var values = (double?[])table.Column("value");
        for (int i = 0; i < values.Length; i++)
        {
            if (values[i] is not { } v || double.IsNaN(v) || (format == "json" && double.IsInfinity(v)))
            {
                Assert.Equal(missing, read["value"][i]);  // JSON has no NaN or infinity: the export writes null
                continue;
            }
            double got = read["value"][i] switch { "inf" => double.PositiveInfinity, "-inf" => double.NegativeInfinity, var t => double.Parse(t, System.Globalization.CultureInfo.InvariantCulture) };
            Assert.True(BitConverter.DoubleToInt64Bits(v) == BitConverter.DoubleToInt64Bits(got), $"value {i}: wrote {v:R}, pandas read {read["value"][i]}");
        }
    }

    private static void AssertClose((float[] Data, int[] Shape) expected, (float[] Data, int[] Shape) actual)
    {
        Assert.Equal(expected.Shape, actual.Shape);
        double scale = expected.Data.Max(v => Math.Abs(v));
        Assert.True(scale > 0.1, "logits too small to tell a mix-up apart");
        for (int i = 0; i < expected.Data.Length; i++)
            Assert.True(Math.Abs(expected.Data[i] - actual.Data[i]) <= 1e-4 * (1 + scale),
                $"logit {i}: PyTorch {expected.Data[i]}, FastRobust {actual.Data[i]}");
    }

    private static void RunPython(params string[] args)
    {
        var (code, output) = ExternalProcess.Run(Python, [Script, .. args]);
        Assert.True(code == 0, $"{Script} {string.Join(' ', args)} failed ({code}):\n{output}");
    }

    private static void SkipIfNoTorch()
    {
        string? why = !File.Exists(Python) ? $"{Python} does not exist"
            : ExternalProcess.Run(Python, ["-c", "import torch, numpy"]) is (not 0, var output) ? $"{Python} cannot import torch ({output.Trim().Split('\n')[^1]})"
            : null;
        if (why == null) return;
        if (Environment.GetEnvironmentVariable("FASTROBUST_REQUIRE_TORCH") == "1") Assert.Fail($"FASTROBUST_REQUIRE_TORCH=1 but {why}");
        Skip.If(true, why + " (apt-get install python3-torch libopenblas0-pthread)");
    }
}
