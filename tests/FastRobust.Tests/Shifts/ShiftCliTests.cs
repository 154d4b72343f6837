using System.Text.Json.Nodes;
using FastRobust.Data;
using FastRobust.Nn;
using FastRobust.Shifts.Generation;
using FastRobust.Shifts.Released;
using FastRobust.Tables;
using FastRobust.Tensors;
using Xunit;
using FastRobust.Tests.Cli;
using static FastRobust.Tests.Cli.CliHarness;

namespace FastRobust.Tests.Shifts;

/// <summary>The corrupt and evaluate verbs end to end on the bundled MNIST: files, layout, tables, errors.</summary>
public sealed class ShiftCliTests : CliTestFolder
{
    [Fact]
    public void CorruptWritesACifar10CLikeFolderThatReadsBack()
    {
        var (code, _, err) = Run("corrupt", "--dataset", "mnist", "--split", "test", "--corruption", "fog,jpeg_compression,saturate", "--severity", "1-5",
            "--limit", "20", "--out", P("c"), "--png", P("png"), "--seed", "9", "--device", "cpu");
        Assert.True(code == 0, err);
        var (fog, shape) = Npy.ReadUInt8(P("c/fog.npy"));
        Assert.Equal([100, 28, 28, 1], shape);
        Assert.Equal(100, Npy.ReadUInt8(P("c/labels.npy")).Data.Length);
        Assert.False(File.Exists(P("c/saturate.npy"))); // not defined for grey images: skipped
        var manifest = JsonNode.Parse(File.ReadAllText(P("c/manifest.json")))!;
        Assert.Equal(9UL, manifest["seed"]!.GetValue<ulong>());
        Assert.Equal(["fog", "jpeg_compression"], manifest["corruptions"]!.AsArray().Select(n => n!.GetValue<string>()));
        // the file holds exactly what the library makes, severity-major
        var clean = DataLocator.Load("mnist", "test").Take(20);
        var expect = Corruptions.ApplyBytes(Corruptions.Get("fog"), 4, Corruptions.ToBytes(clean.Images, clean.Images.Length), 20, new ImageShape(1, 28, 28), 9);
        Assert.Equal(expect, fog.AsSpan(3 * 20 * 784, 20 * 784).ToArray());
        var set = CorruptedSet.Open(P("c"));
        Assert.Equal(clean.Labels, set.Load(Corruptions.Get("fog"), 2).Labels);
        Assert.Equal([0x89, (byte)'P', (byte)'N', (byte)'G'], File.ReadAllBytes(P("png/corruptions.png"))[..4]);

        // more corruptions with the same settings join the folder; other settings are refused and change nothing
        Assert.Equal(0, Run("corrupt", "--dataset", "mnist", "--corruption", "contrast", "--limit", "20", "--out", P("c"), "--seed", "9").Code);
        Assert.Equal(3, JsonNode.Parse(File.ReadAllText(P("c/manifest.json")))!["corruptions"]!.AsArray().Count);
        var (code2, _, err2) = Run("corrupt", "--dataset", "mnist", "--corruption", "snow", "--limit", "20", "--out", P("c"), "--seed", "10");
        Assert.Equal(2, code2);
        Assert.Contains("other settings", err2);
        Assert.False(File.Exists(P("c/snow.npy")));
    }

    [Fact]
    public void CorruptOnTheGpuKernelsWritesTheHostsFiles()
    {
        // ilgpu-cpu runs the GPU kernels (kernels/Corruptions/) where a corruption has them and the host for the rest;
        // either way the files must be byte for byte those of --device cpu
        Gpu.GpuDevices.Register();
        var onGpu = Corruptions.All.Where(c => c.SupportsGray && Corruptions.OnDevice(c, new ImageShape(1, 28, 28), Device.Parse("ilgpu-cpu").Backend)).ToList();
        Assert.NotEmpty(onGpu);
        var names = string.Join(",", onGpu.Take(4).Select(c => c.Name).Append("fog").Distinct());
        foreach (var device in new[] { "cpu", "ilgpu-cpu" })
        {
            var (code, _, err) = Run("corrupt", "--dataset", "mnist", "--corruption", names, "--severity", "2,5", "--limit", "12", "--out", P(device), "--seed", "4", "--device", device);
            Assert.True(code == 0, err);
        }
        foreach (var name in names.Split(','))
            Assert.Equal(File.ReadAllBytes(P($"cpu/{name}.npy")), File.ReadAllBytes(P($"ilgpu-cpu/{name}.npy")));
    }

    [Fact]
    public void CorruptRefusesBadInputBeforeWriting()
    {
        Assert.Contains("unknown corruption 'rain'", Run("corrupt", "--dataset", "mnist", "--corruption", "rain", "--out", P("x")).Err);
        Assert.Equal(2, Run("corrupt", "--dataset", "mnist", "--corruption", "fog", "--severity", "0-3", "--out", P("x")).Code);
        var (code, _, err) = Run("corrupt", "--dataset", "mnist", "--corruption", "saturate", "--limit", "5", "--out", P("x"));
        Assert.Equal(2, code);
        Assert.Contains("not defined for 1-channel", err);
        Assert.False(Directory.Exists(P("x")));
    }

    private (string Spec, string Weights) SaveModel(string name, ulong seed)
    {
        var spec = ModelFamilies.Build("custom-cnn:depth=1,width=4,hidden=8", [1, 28, 28], 10, [0.5f], [0.5f]);
        using var m = Model.Create(spec, Device.Cpu, seed);
        string dir = P(name);
        m.Save(dir);
        return (Path.Combine(dir, "model.json"), Path.Combine(dir, "model.safetensors"));
    }

    [Fact]
    public void EvaluateWritesEvaluationsAndScores()
    {
        var (spec, weights) = SaveModel("m", 1);
        var (code, _, err) = Run("evaluate", "--model", spec, "--weights", weights, "--shift", "fog:2,gaussian_noise", "--shift", "contrast",
            "--severity", "1,3", "--limit", "40", "--baseline-model", spec, "--baseline-weights", weights, "--baseline-name", "same",
            "--out", P("eval"), "--device", "cpu", "--seed", "5");
        Assert.True(code == 0, err);
        var e = Table.Read(P("eval/evaluations.parquet"));
        // clean + fog:2 + 2 × gaussian_noise + 2 × contrast, for the model and the baseline
        Assert.Equal(12, e.Rows);
        Assert.Equal(["clean", "generated"], ((string?[])e.Column("shift")).Distinct());
        var s = Table.Read(P("eval/scores.parquet"));
        var metric = (string?[])s.Column("metric");
        var value = (double?[])s.Column("value");
        // a model compared with itself has CE 1 everywhere
        Assert.Equal(1.0, value[Array.IndexOf(metric, "mce")]!.Value, 12);
        Assert.Equal(3, ((long[])s.Column("count"))[Array.IndexOf(metric, "mce")]);

        // a generated folder read back gives the generated accuracies
        Assert.Equal(0, Run("corrupt", "--dataset", "mnist", "--corruption", "contrast", "--severity", "1,3", "--limit", "40", "--out", P("folder"), "--seed", "5").Code);
        Assert.Equal(0, Run("evaluate", "--model", spec, "--weights", weights, "--shift", P("folder"), "--limit", "40", "--out", P("eval2"), "--seed", "5").Code);
        var e2 = Table.Read(P("eval2/evaluations.parquet"));
        var acc1 = ((double?[])e.Column("accuracy")).Zip((string?[])e.Column("corruption"), (a, c) => (a, c)).Where(t => t.c == "contrast").Take(2).Select(t => t.a);
        Assert.Equal(acc1, ((double?[])e2.Column("accuracy")).Skip(1));
    }

    [Fact]
    public void EvaluateExplainsWrongShifts()
    {
        var (spec, weights) = SaveModel("m", 2);
        var (code, _, err) = Run("evaluate", "--model", spec, "--weights", weights, "--shift", "cifar10-c", "--limit", "10");
        Assert.Equal(2, code);
        Assert.Contains("CIFAR-10 shift", err);
        Assert.Contains("expected cifar10-c, cifar10.1", Run("evaluate", "--model", spec, "--weights", weights, "--shift", "rain").Err);
        Assert.Contains("go together", Run("evaluate", "--model", spec, "--weights", weights, "--shift", "fog", "--baseline-model", spec).Err);
    }
}
