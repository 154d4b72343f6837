using System.Buffers.Binary;
using System.CommandLine;
using System.Text;
using FastRobust.Cli;
using FastRobust.Data;
using FastRobust.Nn;
using FastRobust.Tensors;
using FastRobust.Tests.BenchCompare;
using Xunit;

namespace FastRobust.Tests.Cli;

/// <summary>
/// One test per class of bad input, through the CLI: exit code 2, one line on stderr that names the file or the
/// option, and no output left behind (nor a temporary file). Bugs, by contrast, exit 1 with their trace.
/// </summary>
public sealed class BadInputTests : CliTestFolder
{
    private static (int Code, string Err) Run(params string[] args)
    {
        var r = CliHarness.Run(args);
        return (r.Code, r.Err);
    }

    /// <summary>Exit 2, exactly one stderr line, naming every one of <paramref name="named"/>.</summary>
    private static void AssertUserError((int Code, string Err) r, params string[] named)
    {
        Assert.True(r.Code == 2, $"exit {r.Code}: {r.Err}");
        var lines = r.Err.TrimEnd().Split('\n');
        Assert.True(lines.Length == 1 && lines[0].StartsWith("error: ", StringComparison.Ordinal), r.Err);
        foreach (var n in named) Assert.Contains(n, r.Err);
    }

    /// <summary>Nothing in the test folder but the inputs: no output, no temporary sibling.</summary>
    private void AssertOnlyInputs(params string[] inputs)
    {
        var left = Directory.EnumerateFileSystemEntries(Dir, "*", SearchOption.AllDirectories)
            .Select(f => Path.GetRelativePath(Dir, f)).Except(inputs).ToList();
        Assert.True(left.Count == 0, "left behind: " + string.Join(", ", left));
    }

    private static readonly string[] Inputs = ["model.json", "model.safetensors", "x.npy", "y.npy"];

    private (string Spec, string Weights) SaveModel()
    {
        var spec = ModelFamilies.Build("custom-cnn:depth=1,width=4,hidden=8", [1, 28, 28], 10, [0.5f], [0.5f]);
        using var m = Model.Create(spec, Device.Cpu, 1);
        m.Save(Dir);
        Npy.WriteFloat32(P("x.npy"), Enumerable.Range(0, 3 * 28 * 28).Select(i => (i % 97) / 97f).ToArray(), [3, 1, 28, 28]);
        Npy.WriteLabels(P("y.npy"), [1, 2, 3]);
        return (P("model.json"), P("model.safetensors"));
    }

    private string[] Predict(string outPath, string? weights = null, string? input = null, string? labels = null) =>
        ["predict", "--model", P("model.json"), "--weights", weights ?? P("model.safetensors"), "--input", input ?? P("x.npy"),
         .. labels == null ? Array.Empty<string>() : ["--labels", labels], "--out", outPath, "--device", "cpu"];

    // ---- 1. outputs that cannot be written: checked before any work ----

    [Fact]
    public void OutputThatIsADirectoryIsRefused()
    {
        SaveModel();
        Directory.CreateDirectory(P("logits.npy"));
        AssertUserError(Run(Predict(P("logits.npy"))), "--out", "logits.npy", "is a directory");
        Directory.Delete(P("logits.npy"));
        AssertOnlyInputs(Inputs);
    }

    [Fact]
    public void OutputUnderAFileIsRefused()
    {
        SaveModel();
        AssertUserError(Run(Predict(P("x.npy/sub/logits.npy"))), "--out", "x.npy", "is a file");
        AssertOnlyInputs(Inputs);
    }

    [Fact]
    public void OutputNameOverTheFileSystemLimitIsRefused()
    {
        SaveModel();
        AssertUserError(Run(Predict(P(new string('a', 300) + ".npy"))), "--out", "304 bytes", "255");
        AssertOnlyInputs(Inputs);
    }

    [Fact]
    public void OutputInAnUnwritableDirectoryIsRefused()
    {
        // /proc takes no new files, not even from root (the CI user)
        SaveModel();
        AssertUserError(Run(Predict("/proc/fastrobust-test/logits.npy")), "--out", "/proc", "cannot write");
        AssertOnlyInputs(Inputs);
    }

    [Fact]
    public void AttackChecksEveryOutputBeforeWritingAny()
    {
        var (spec, weights) = SaveModel();
        File.WriteAllText(P("png"), "a file where --png wants a folder");
        var r = Run("attack", "--model", spec, "--weights", weights, "--input", P("x.npy"), "--labels", P("y.npy"), "--attack", "fgsm",
            "--eps", "0.1", "--out", P("adv.npy"), "--samples", P("s.parquet"), "--png", P("png"), "--device", "cpu");
        AssertUserError(r, "--png", "is a file");
        AssertOnlyInputs([.. Inputs, "png"]);
    }

    [Fact]
    public void SaliencyChecksThePngFolderBeforeWritingTheGradient()
    {
        var (spec, weights) = SaveModel();
        AssertUserError(Run("saliency", "--model", spec, "--weights", weights, "--input", P("x.npy"), "--labels", P("y.npy"),
            "--out", P("g.npy"), "--png", P("y.npy/png"), "--device", "cpu"), "--png", "y.npy");
        AssertOnlyInputs(Inputs);
    }

    [Fact]
    public void AFailureWhileWritingNamesThePathAndLeavesNothing()
    {
        // what a full disk does mid-write: the temporary file goes, the error is the user's, with the path
        var e = Assert.Throws<Util.InputException>(() => Util.AtomicFile.Write(P("out.bin"), s =>
        {
            s.WriteByte(1);
            throw new IOException("No space left on device");
        }));
        Assert.Contains(P("out.bin"), e.Message);
        Assert.Contains("No space left on device", e.Message);
        AssertOnlyInputs();
    }

    // ---- 2, 9, 10, 14: safetensors ----

    /// <summary>Rewrites the header of the saved weights through <paramref name="edit"/> (same data bytes).</summary>
    private void EditHeader(Func<string, string> edit)
    {
        var bytes = File.ReadAllBytes(P("model.safetensors"));
        int len = (int)BinaryPrimitives.ReadUInt64LittleEndian(bytes);
        string header = edit(Encoding.UTF8.GetString(bytes, 8, len));
        var h = Encoding.UTF8.GetBytes(header);
        var prefix = new byte[8];
        BinaryPrimitives.WriteUInt64LittleEndian(prefix, (ulong)h.Length);
        File.WriteAllBytes(P("model.safetensors"), [.. prefix, .. h, .. bytes[(8 + len)..]]);
    }

    [Fact]
    public void NullInASafetensorsShapeOrOffsetsIsNamed()
    {
        SaveModel();
        EditHeader(h => h.Replace("\"shape\":[4,1,3,3]", "\"shape\":[4,null,3,3]"));
        AssertUserError(Run(Predict(P("logits.npy"))), "model.safetensors", "'shape'", "null");
        SaveModel();
        EditHeader(h => h.Replace("\"data_offsets\":[0,", "\"data_offsets\":[null,"));
        AssertUserError(Run(Predict(P("logits.npy"))), "model.safetensors", "'data_offsets'", "null");
        AssertOnlyInputs(Inputs);
    }

    [Fact]
    public void OverlappingDataOffsetsAreRefused()
    {
        SaveModel();
        // the first bias re-declared over the first weight's bytes: one tensor would alias another
        EditHeader(h =>
        {
            var node = System.Text.Json.Nodes.JsonNode.Parse(h)!.AsObject();
            var bias = node["1.bias"]!.AsObject();
            long end = (long)node["1.weight"]!["data_offsets"]![1]!;
            bias["data_offsets"] = new System.Text.Json.Nodes.JsonArray(end - 16, end);
            return node.ToJsonString();
        });
        AssertUserError(Run(Predict(P("logits.npy"))), "model.safetensors", "overlaps");
        AssertOnlyInputs(Inputs);
    }

    [Fact]
    public void NonFiniteWeightsAreRefusedNamingTheTensor()
    {
        SaveModel();
        var w = SafeTensors.Read(P("model.safetensors")).Values.ToList();
        var first = w.First(a => a.Name == "1.weight");
        first.Values[5] = float.NaN;
        SafeTensors.Write(P("model.safetensors"), w);
        AssertUserError(Run(Predict(P("logits.npy"))), "model.safetensors", "'1.weight'", "NaN", "index 5");
        AssertOnlyInputs(Inputs);
    }

    [Fact]
    public void SafetensorsHeaderIsCheckedBeforeTheDataIsRead()
    {
        // a large (sparse) file whose header length is zero: refused without reading its 256 MiB
        string path = P("big.safetensors");
        using (var f = new FileStream(path, FileMode.CreateNew)) f.SetLength(256L << 20);
        long before = GC.GetAllocatedBytesForCurrentThread();
        var e = Assert.Throws<Util.InputException>(() => SafeTensors.Read(path));
        Assert.True(GC.GetAllocatedBytesForCurrentThread() - before < 1 << 20, "the reader allocated the file");
        Assert.Contains("big.safetensors", e.Message);
        Assert.Contains("header length 0", e.Message);
    }

    // ---- 3, 4, 5: model specs ----

    private string WriteSpec(string layers) =>
        WriteText("bad.json", $$"""{"input": [1, 28, 28], "classes": 10, "layers": [{{layers}}]}""");

    private string WriteText(string name, string text)
    {
        File.WriteAllText(P(name), text);
        return P(name);
    }

    [Fact]
    public void SpecSizesThatOverflowAreNamed()
    {
        SaveModel();
        string spec = WriteSpec("""{"type": "conv2d", "out": 4, "kernel": 3, "padding": 2000000000}, {"type": "flatten"}, {"type": "linear", "out": 10}""");
        AssertUserError(Run([.. Predict(P("logits.npy")).Select(a => a == P("model.json") ? spec : a)]), "bad.json", "layer 0 (conv2d)", "too large");
        AssertOnlyInputs([.. Inputs, "bad.json"]);
    }

    [Fact]
    public void SpecOverTheMemoryBudgetIsRefusedBeforeAnyAllocation()
    {
        SaveModel();
        string spec = WriteSpec("""{"type": "conv2d", "out": 100000000, "kernel": 3}, {"type": "global_avgpool"}, {"type": "flatten"}, {"type": "linear", "out": 10}""");
        long before = GC.GetAllocatedBytesForCurrentThread();
        var r = Run([.. Predict(P("logits.npy")).Select(a => a == P("model.json") ? spec : a)]);
        Assert.True(GC.GetAllocatedBytesForCurrentThread() - before < 64 << 20, "the spec was allocated before it was refused");
        AssertUserError(r, "bad.json", ModelMemory.Variable, "2,000,000,010 parameters");
        AssertOnlyInputs([.. Inputs, "bad.json"]);
    }

    [Fact]
    public void AFamilyOverTheBudgetIsNamed()
    {
        var r = Run("train", "--dataset", "mnist", "--model", "custom-cnn:width=5000,depth=2", "--out", P("run"), "--device", "cpu");
        AssertUserError(r, "custom-cnn:width=5000,depth=2", ModelMemory.Variable);
        AssertOnlyInputs();
    }

    [Fact]
    public void MemorySizesParse()
    {
        Assert.Equal(16L << 30, ModelMemory.ParseSize("16G"));
        Assert.Equal(512L << 20, ModelMemory.ParseSize("512M"));
        Assert.Equal(1000, ModelMemory.ParseSize("1000"));
        Assert.Equal(3L << 39, ModelMemory.ParseSize("1.5T"));
        Assert.Null(ModelMemory.ParseSize("-1G"));
        Assert.Null(ModelMemory.ParseSize("lots"));
    }

    [Fact]
    public void DuplicateKeysAreRefusedNamingTheFile()
    {
        SaveModel();
        string spec = WriteText("dup.json", File.ReadAllText(P("model.json")).Replace("\"classes\": 10", "\"classes\": 10, \"classes\": 3"));
        AssertUserError(Run([.. Predict(P("logits.npy")).Select(a => a == P("model.json") ? spec : a)]), "dup.json", "duplicate key", "classes");
        EditHeader(h => h.Replace("{\"1.weight\":{", "{\"1.weight\":{\"dtype\":\"F64\","));
        AssertUserError(Run(Predict(P("logits.npy"))), "model.safetensors", "duplicate key", "dtype");
        AssertOnlyInputs([.. Inputs, "dup.json"]);
    }

    // ---- 6, 11: inputs checked before the first byte of output ----

    [Fact]
    public void PredictChecksLabelsBeforeWritingLogits()
    {
        SaveModel();
        Npy.WriteLabels(P("bad-y.npy"), [1, 12, 3]);
        AssertUserError(Run(Predict(P("logits.npy"), labels: P("bad-y.npy"))), "bad-y.npy", "label 12 at index 1");
        AssertOnlyInputs([.. Inputs, "bad-y.npy"]);
    }

    [Fact]
    public void EmptyEvaluationSetIsRefused()
    {
        SaveModel();
        Npy.WriteFloat32(P("empty.npy"), [], [0, 1, 28, 28]);
        AssertUserError(Run(Predict(P("logits.npy"), input: P("empty.npy"))), "empty.npy", "no images");
        AssertOnlyInputs([.. Inputs, "empty.npy"]);
    }

    // ---- 12: impossible options ----

    [Theory]
    [InlineData("--momentum", "-0.5")]
    [InlineData("--weight-decay", "-0.0001")]
    public void NegativeOptimizerSettingsAreRefused(string option, string value)
    {
        // refused before the dataset is even looked for
        AssertUserError(Run("train", "--dataset", "mnist", option, value, "--out", P("run")), option, value);
        AssertOnlyInputs();
    }

    [Fact]
    public void LinfEpsilonAboveOneIsRefused()
    {
        var (spec, weights) = SaveModel();
        var r = Run("attack", "--model", spec, "--weights", weights, "--input", P("x.npy"), "--labels", P("y.npy"), "--attack", "pgd",
            "--eps", "8", "--out", P("adv.npy"), "--device", "cpu");
        AssertUserError(r, "--eps", "8", "at most 1");
        AssertOnlyInputs(Inputs);
        // an L2 radius may exceed 1
        r = Run("attack", "--model", spec, "--weights", weights, "--input", P("x.npy"), "--labels", P("y.npy"), "--attack", "pgd-l2",
            "--eps", "2", "--steps", "2", "--out", P("adv.npy"), "--device", "cpu");
        Assert.True(r.Code == 0, r.Err);
    }

    // ---- 13: bench-compare ----

    [Fact]
    public void BenchCompareWithNoSharedBenchmarkIsAnError()
    {
        using var files = new ResultFiles();
        string a = files.Write("a.json", new HandMade("Conv", "B=32", 10.0, 9.9, 10.1));
        string b = files.Write("b.json", new HandMade("Gemm", "N=256", 10.0, 9.9, 10.1));
        AssertUserError(Run("bench-compare", a, b), "a.json", "b.json", "share no benchmark");
    }

    // ---- 8: study checks before any work ----

    private const string StudyText = """
        { "name": "bad", "dataset": "mnist", "train_images": 64, "test_images": 32,
          "models": [ { "family": "custom-cnn", "grid": { "depth": [1] } } ],
          "conditions": [ { "type": "clean" }, { "type": "attack", "attack": "pgd", "eps": [0.03], "steps": 3 } ],
          "measures": "none" }
        """;

    [Theory]
    [InlineData("\"steps\": 3", "\"steps\": 0", "--steps must be at least 1")]
    [InlineData("\"depth\": [1]", "\"depth\": [1], \"colour\": [\"red\"]", "colour")]
    [InlineData("\"measures\": \"none\"", "\"measures\": \"all\", \"measure_settings\": { \"sharpness_images\": -5 }", "measure_settings.sharpness_images")]
    public void StudyChecksNameTheFileAndKeyBeforeAnyWork(string from, string to, string expected)
    {
        string file = WriteText("bad.jsonc", StudyText.Replace(from, to));
        AssertUserError(Run("study", file, "--out", P("study")), "bad.jsonc", expected);
        AssertOnlyInputs("bad.jsonc");
    }

    // ---- 7: readers follow symbolic links ----

    [Fact]
    public void ACifarBatchBehindASymbolicLinkIsReadAtItsTargetsSize()
    {
        var bytes = new byte[2 * Cifar10Reader.RecordBytes];
        bytes[Cifar10Reader.RecordBytes] = 7;
        File.WriteAllBytes(P("real.bin"), bytes);
        File.CreateSymbolicLink(P("link.bin"), P("real.bin"));
        var data = Cifar10Reader.Read([P("link.bin")], "linked");
        Assert.Equal(2, data.N);
        Assert.Equal(new[] { 0, 7 }, data.Labels);
    }

    // ---- 15: temporary files and names ----

    [Fact]
    public void StaleTemporaryFilesOfDeadProcessesAreCleaned()
    {
        SaveModel();
        // no process has PID 2^31-1 (Linux caps PIDs at 2^22); this process's own temp files are left alone
        string stale = P($".logits.npy.{int.MaxValue}.{Guid.NewGuid():N}.tmp"), live = P($".logits.npy.{Environment.ProcessId}.{Guid.NewGuid():N}.tmp");
        File.WriteAllText(stale, "half");
        File.WriteAllText(live, "in progress");
        var r = Run(Predict(P("logits.npy")));
        Assert.True(r.Code == 0, r.Err);
        Assert.False(File.Exists(stale));
        Assert.True(File.Exists(live));
    }

    [Fact]
    public void AStudyNameCannotLeaveItsFolder()
    {
        Assert.Equal("_..", FastRobust.Study.StudyPlan.Sanitize(".."));
        Assert.Equal("_.", FastRobust.Study.StudyPlan.Sanitize("."));
        Assert.Equal("_.hidden", FastRobust.Study.StudyPlan.Sanitize(".hidden"));
        Assert.Equal("_..-..-etc", FastRobust.Study.StudyPlan.Sanitize("../../etc"));
        Assert.Equal("quick", FastRobust.Study.StudyPlan.Sanitize("quick"));
    }

    // ---- bugs are not user errors ----

    [Fact]
    public void AnInternalErrorExitsWithOneAndItsTrace()
    {
        var root = new RootCommand("test");
        var boom = new Command("boom");
        boom.SetAction(int (ParseResult _) => throw new ArgumentException("an internal invariant broke"));
        root.Subcommands.Add(boom);
        var err = new StringWriter();
        Assert.Equal(1, CliRunner.Run(root, ["boom"], stdout: new StringWriter(), stderr: err));
        Assert.Contains("internal error", err.ToString());
        Assert.Contains("an internal invariant broke", err.ToString());
        Assert.Contains(" at ", err.ToString());
    }
}
