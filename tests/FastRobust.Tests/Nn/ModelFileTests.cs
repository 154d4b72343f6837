using System.Buffers.Binary;
using System.Text;
using FastRobust.Nn;
using FastRobust.Tensors;
using FastRobust.Util;
using Xunit;

namespace FastRobust.Tests.Nn;

/// <summary>Model specs and safetensors weights: round trips, and one clear error per kind of bad file.</summary>
public sealed class ModelFileTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("fr-model-").FullName;

    public void Dispose() => Directory.Delete(_dir, true);

    private const string SmallSpec = """
        { "input": [3, 8, 8], "classes": 4,
          "layers": [
            {"type": "normalize", "mean": [0.5, 0.5, 0.5], "std": [0.25, 0.25, 0.25]},
            {"type": "conv2d", "out": 5, "kernel": 3, "padding": 1, "bias": false},
            {"type": "batchnorm2d"},
            {"type": "relu"},
            {"type": "maxpool2d", "kernel": 2},
            {"type": "dropout", "p": 0.25},
            {"type": "flatten"},
            {"type": "linear", "out": 4}
          ] }
        """;

    private string Write(string name, string text)
    {
        string p = Path.Combine(_dir, name);
        File.WriteAllText(p, text);
        return p;
    }

    private static InputException Fails(Action a) => Assert.Throws<InputException>(a);

    [Fact]
    public void SpecRoundTripsThroughJson()
    {
        var spec = ModelSpec.Parse(SmallSpec);
        var again = ModelSpec.Parse(spec.ToJson());
        Assert.Equal(spec.ToJson(), again.ToJson());
        Assert.Equal(8, again.Layers.Count);
        Assert.False(again.Layers[1].Bias);
        Assert.Equal(0.25f, again.Layers[5].P);
        Assert.Equal(new[] { 80 }, again.Shapes[7]);
    }

    [Fact]
    public void WeightsRoundTripAndCarryTorchNames()
    {
        var spec = ModelSpec.Parse(SmallSpec);
        using var model = Model.Create(spec, Device.Cpu, seed: 7);
        string w = Path.Combine(_dir, "m.safetensors");
        model.SaveWeights(w);
        var arrays = SafeTensors.Read(w);
        Assert.Equal(
            new[] { "1.weight", "2.bias", "2.num_batches_tracked", "2.running_mean", "2.running_var", "2.weight", "7.bias", "7.weight" },
            arrays.Keys.OrderBy(k => k, StringComparer.Ordinal));
        Assert.Equal("I64", arrays["2.num_batches_tracked"].DType);
        Assert.Equal(new[] { 5, 3, 3, 3 }, arrays["1.weight"].Shape);
        Assert.Equal(new[] { 4, 80 }, arrays["7.weight"].Shape);

        using var loaded = Model.Create(spec, Device.Cpu, seed: 99);
        Assert.NotEqual(model.Parameters[0].Value.ToArray(), loaded.Parameters[0].Value.ToArray());
        loaded.LoadWeights(w);
        for (int i = 0; i < model.Parameters.Count; i++)
            Assert.Equal(model.Parameters[i].Value.ToArray(), loaded.Parameters[i].Value.ToArray());
    }

    [Fact]
    public void SaveWritesSpecAndWeightsThatLoadBack()
    {
        var spec = ModelSpec.Parse(SmallSpec);
        using var model = Model.Create(spec, Device.Cpu, seed: 3);
        model.Save(_dir);
        using var back = Model.Load(Path.Combine(_dir, "model.json"), Path.Combine(_dir, "model.safetensors"), Device.Cpu);
        Assert.Equal(spec.ToJson(), back.Spec.ToJson());
        using var x = Tensor.Uniform([2, 3, 8, 8], 0, 1, 1, 1);
        Assert.Equal(model.Forward(x).ToArray(), back.Forward(x).ToArray());
        Assert.Empty(Directory.GetFiles(_dir, "*.tmp"));
    }

    [Fact]
    public void PytorchDefaultInitBounds()
    {
        using var model = Model.Create(ModelSpec.Parse(SmallSpec), Device.Cpu, seed: 1);
        var w = model.Parameters.Single(p => p.Name == "1.weight").Value.ToArray();
        float bound = 1f / MathF.Sqrt(3 * 9);
        Assert.All(w, v => Assert.InRange(v, -bound, bound));
        Assert.True(w.Max() > 0.8f * bound && w.Min() < -0.8f * bound, "weights should fill the uniform range");
        Assert.All(model.Parameters.Single(p => p.Name == "2.running_var").Value.ToArray(), v => Assert.Equal(1f, v));
    }

    [Theory]
    [InlineData("""{"input": [3, 8, 8], "classes": 4, "layers": [{"type": "conv3d", "out": 2}]}""", "unknown layer type 'conv3d'")]
    [InlineData("""{"input": [3, 8, 8], "classes": 4, "layers": [{"type": "flatten"}, {"type": "linear", "out": 5}]}""", "'classes' is 4")]
    [InlineData("""{"input": [3, 8, 8], "classes": 4, "layers": [{"type": "linear", "out": 4}]}""", "add a flatten layer")]
    [InlineData("""{"input": [3, 8, 8], "classes": 4, "layers": [{"type": "conv2d", "kernel": 3}]}""", "'out' must be an integer")]
    [InlineData("""{"input": [3, 8, 8], "classes": 4, "layers": [{"type": "relu", "p": 3}]}""", "unexpected field 'p'")]
    [InlineData("""{"input": [3, 8, 8], "classes": 4, "layers": [{"type": "conv2d", "out": 2, "kernel": 11}]}""", "does not fit")]
    [InlineData("""{"input": [3, 8, 8], "classes": 4, "layers": [{"type": "dropout", "p": 1.5}]}""", "'p' must be in [0, 1)")]
    [InlineData("""{"input": [3, 8, 8], "classes": 4 """, "not valid JSON")]
    [InlineData("""{"input": [3, 8], "classes": 4, "layers": [{"type": "flatten"}]}""", "'input' must be [C, H, W]")]
    [InlineData("""{"inputs": [3, 8, 8], "classes": 4, "layers": []}""", "unknown field 'inputs'")]
    public void MalformedSpecGetsOneClearError(string json, string expected)
    {
        string path = Write("bad.json", json);
        var e = Fails(() => ModelSpec.Load(path));
        Assert.Contains("bad.json", e.Message);
        Assert.Contains(expected, e.Message);
    }

    [Fact]
    public void MissingSpecFileNamesThePath()
    {
        var e = Fails(() => ModelSpec.Load(Path.Combine(_dir, "nope.json")));
        Assert.Contains("nope.json", e.Message);
    }

    private string SaveSmall(out Model model)
    {
        model = Model.Create(ModelSpec.Parse(SmallSpec), Device.Cpu, 1);
        string w = Path.Combine(_dir, "w.safetensors");
        model.SaveWeights(w);
        return w;
    }

    private static void Rewrite(string path, Func<List<NamedArray>, List<NamedArray>> change) =>
        SafeTensors.Write(path, change(SafeTensors.Read(path).Values.ToList()));

    [Fact]
    public void MissingTensorIsNamed()
    {
        string w = SaveSmall(out var model);
        Rewrite(w, l => l.Where(a => a.Name != "2.running_mean").ToList());
        var e = Fails(() => model.LoadWeights(w));
        Assert.Contains("w.safetensors", e.Message);
        Assert.Contains("missing tensor '2.running_mean'", e.Message);
    }

    [Fact]
    public void MisshapedTensorIsNamed()
    {
        string w = SaveSmall(out var model);
        Rewrite(w, l => l.Select(a => a.Name == "7.weight" ? a with { Shape = [80, 4] } : a).ToList());
        var e = Fails(() => model.LoadWeights(w));
        Assert.Contains("'7.weight' has shape [80, 4], the spec needs [4, 80]", e.Message);
    }

    [Fact]
    public void UnexpectedTensorIsAnError()
    {
        string w = SaveSmall(out var model);
        Rewrite(w, l => [.. l, new NamedArray("9.weight", "F32", [2], [1f, 2f])]);
        Assert.Contains("unexpected tensor '9.weight'", Fails(() => model.LoadWeights(w)).Message);
    }

    [Fact]
    public void WrongDtypeIsAnError()
    {
        string w = SaveSmall(out var model);
        Rewrite(w, l => l.Select(a => a.Name == "1.weight" ? a with { DType = "I64" } : a).ToList());
        Assert.Contains("'1.weight' has dtype I64, expected F32", Fails(() => model.LoadWeights(w)).Message);
        // a dtype we do not read at all
        byte[] bytes = File.ReadAllBytes(w);
        string text = Encoding.UTF8.GetString(bytes);
        File.WriteAllBytes(w, Encoding.UTF8.GetBytes(text.Replace("\"I64\"", "\"F16\"")));
        var e = Fails(() => model.LoadWeights(w));
        Assert.Contains("F16", e.Message);
        Assert.Contains("w.safetensors", e.Message);
    }

    [Fact]
    public void TruncatedFileIsAnError()
    {
        string w = SaveSmall(out var model);
        byte[] bytes = File.ReadAllBytes(w);
        File.WriteAllBytes(w, bytes[..(bytes.Length - 10)]);
        Assert.Contains("truncated", Fails(() => model.LoadWeights(w)).Message);
        File.WriteAllBytes(w, bytes[..5]);
        Assert.Contains("truncated", Fails(() => model.LoadWeights(w)).Message);
        var header = new byte[8];
        BinaryPrimitives.WriteUInt64LittleEndian(header, 1UL << 40);
        File.WriteAllBytes(w, [.. header, .. bytes[8..]]);
        Assert.Contains("w.safetensors", Fails(() => model.LoadWeights(w)).Message);
    }

    [Fact]
    public void GarbageHeaderIsAnError()
    {
        string w = Path.Combine(_dir, "g.safetensors");
        var header = Encoding.UTF8.GetBytes("{not json");
        var len = new byte[8];
        BinaryPrimitives.WriteUInt64LittleEndian(len, (ulong)header.Length);
        File.WriteAllBytes(w, [.. len, .. header]);
        Assert.Contains("not valid JSON", Fails(() => SafeTensors.Read(w)).Message);
    }

    [Fact]
    public void EnsembleMembersMatchTheirSingleModels()
    {
        var spec = ModelSpec.Parse(SmallSpec);
        var singles = Enumerable.Range(0, 3).Select(s => Model.Create(spec, Device.Cpu, (ulong)s + 10)).ToList();
        using var ens = Model.Stack(singles);
        Assert.Equal(3, ens.Members);
        using var x = Tensor.Uniform([4, 3, 8, 8], 0, 1, 5, 5);
        var all = ens.Forward(x).ToArray();
        Assert.Equal(3 * 4 * 4, all.Length);
        for (int e = 0; e < 3; e++)
        {
            var one = singles[e].Forward(x).ToArray();
            for (int i = 0; i < one.Length; i++) Assert.Equal(one[i], all[e * one.Length + i], 5);
            using var back = ens.Member(e);
            Assert.Equal(singles[e].Parameters[0].Value.ToArray(), back.Parameters[0].Value.ToArray());
        }
    }

    [Fact]
    public void EnsembleCreateGivesDistinctMembers()
    {
        using var ens = Model.Create(ModelSpec.Parse(SmallSpec), Device.Cpu, 1, members: 2);
        using var m0 = ens.Member(0);
        using var m1 = ens.Member(1);
        Assert.NotEqual(m0.Parameters[0].Value.ToArray(), m1.Parameters[0].Value.ToArray());
    }
}
