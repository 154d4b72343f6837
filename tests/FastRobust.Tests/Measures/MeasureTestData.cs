using System.Text.Json;
using FastRobust.Data;
using FastRobust.Nn;
using FastRobust.Tensors;

namespace FastRobust.Tests.Measures;

/// <summary>The PyTorch reference of Fixtures/measures_make_fixtures.py, and small models for the sharpness tests.</summary>
public static class MeasureTestData
{
    private static readonly string Dir = Path.Combine(AppContext.BaseDirectory, "Fixtures");

    public static string SpecPath => Path.Combine(Dir, "measures_net.json");
    public static string WeightsPath => Path.Combine(Dir, "measures_net.weights.safetensors");
    public static string InitPath => Path.Combine(Dir, "measures_net.init.safetensors");

    public static Dataset FixtureData()
    {
        var a = SafeTensors.Read(Path.Combine(Dir, "measures_net.data.safetensors"));
        var x = a["x"];
        var labels = a["labels"].Values.Select(v => (int)v).ToArray();
        return new Dataset("measures_net", x.Values, labels, x.Shape[1], x.Shape[2], x.Shape[3], 5);
    }

    public static Dictionary<string, double> Expected() =>
        JsonSerializer.Deserialize<Dictionary<string, double>>(File.ReadAllText(Path.Combine(Dir, "measures_net.expect.json")))!;

    /// <summary>conv → batch norm → relu → pool → linear on 3×8×8 images, random weights and batch-norm statistics.</summary>
    public static Model TinyBatchNormNet(ulong seed)
    {
        var spec = ModelSpec.Parse("""
            { "input": [3, 8, 8], "classes": 6, "layers": [
              {"type": "conv2d", "out": 8, "kernel": 3, "padding": 1, "bias": false},
              {"type": "batchnorm2d"}, {"type": "relu"}, {"type": "maxpool2d", "kernel": 2},
              {"type": "conv2d", "out": 8, "kernel": 3, "padding": 1}, {"type": "relu"},
              {"type": "flatten"}, {"type": "linear", "out": 6} ] }
            """);
        var m = Model.Create(spec, Device.Cpu, seed);
        var bn = m.Parameters.Where(p => p.Name.StartsWith("1.", StringComparison.Ordinal)).ToDictionary(p => p.Name);
        var rng = new System.Random((int)seed);
        float[] Rand(double lo, double hi) => Enumerable.Range(0, 8).Select(_ => (float)(lo + (hi - lo) * rng.NextDouble())).ToArray();
        Device.Cpu.Backend.Upload(Rand(0.6, 1.4), bn["1.weight"].Value.Buffer);
        Device.Cpu.Backend.Upload(Rand(-0.1, 0.1), bn["1.bias"].Value.Buffer);
        Device.Cpu.Backend.Upload(Rand(-0.05, 0.05), bn["1.running_mean"].Value.Buffer);
        Device.Cpu.Backend.Upload(Rand(0.1, 0.3), bn["1.running_var"].Value.Buffer);
        return m;
    }

    /// <summary>Random images labelled by the model itself: clean accuracy exactly 1.</summary>
    public static Dataset SelfLabelled(Model model, int n, ulong seed)
    {
        var x = new float[n * 3 * 8 * 8];
        for (int i = 0; i < x.Length; i++) x[i] = Random.Philox.Uniform(seed, 77, 0, i);
        var logits = Training.BatchedInference.Logits(model, x, n, 128);
        int k = model.Spec.Classes;
        var y = new int[n];
        for (int i = 0; i < n; i++)
        {
            int best = 0;
            for (int j = 1; j < k; j++) if (logits[i * k + j] > logits[i * k + best]) best = j;
            y[i] = best;
        }
        return new Dataset("self-labelled", x, y, 3, 8, 8, k);
    }
}
