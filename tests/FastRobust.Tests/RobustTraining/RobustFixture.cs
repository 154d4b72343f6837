using System.Text.Json;
using FastRobust.Nn;
using FastRobust.Tensors;
using FastRobust.Training;

namespace FastRobust.Tests.RobustTraining;

/// <summary>
/// The files written by Fixtures/robust_make_fixtures.py: PyTorch's all-samples adversarial images, robust_net.json's
/// initial weights and its weights after two steps of each robust-training method, and TRADES' loss and gradients.
/// </summary>
public sealed class RobustFixture
{
    private static readonly string Dir = Path.Combine(AppContext.BaseDirectory, "Fixtures");
    private static readonly Lazy<RobustFixture> Shared = new(() => new RobustFixture());

    public static RobustFixture Instance => Shared.Value;

    private RobustFixture()
    {
        Expect = JsonDocument.Parse(File.ReadAllText(Path.Combine(Dir, "robust_expect.json"))).RootElement;
        Arrays = SafeTensors.Read(Path.Combine(Dir, "robust_expect.safetensors"));
        SpecPath = Path.Combine(Dir, "robust_net.json");
    }

    public JsonElement Expect { get; }
    public Dictionary<string, NamedArray> Arrays { get; }
    public string SpecPath { get; }

    public ulong Seed => Expect.GetProperty("seed").GetUInt64();
    public ulong Stream => ulong.Parse(Expect.GetProperty("stream").GetString()!);
    public float Lr => (float)Expect.GetProperty("lr").GetDouble();
    public int Batch => Expect.GetProperty("batch").GetInt32();

    public float[] Values(string name) => Arrays[name].Values;

    public int[] Labels(string name) => Arrays[name].Values.Select(v => (int)v).ToArray();

    /// <summary>robust_net.json with the fixture's initial weights and batch-norm statistics.</summary>
    public Model InitialModel(ulong seed = 0)
    {
        var model = Model.Create(ModelSpec.Load(SpecPath), Device.Cpu, seed);
        foreach (var p in model.Parameters) model.Device.Backend.Upload(Values("init." + p.Name), p.Value.Buffer);
        return model;
    }

    /// <summary>The resolved settings of a method of the fixture, as the C# side names them.</summary>
    public RobustOptions Options(string key)
    {
        var m = Expect.GetProperty("methods").GetProperty(key);
        string method = m.GetProperty("method").GetString()!;
        if (method == "none") return new RobustOptions { NoiseSigma = (float)m.GetProperty("sigma").GetDouble() }.Resolve();
        return new RobustOptions
        {
            Method = RobustOptions.ParseMethod(method),
            Epsilon = (float)m.GetProperty("eps").GetDouble(),
            Steps = m.GetProperty("steps").GetInt32(),
            L2 = m.GetProperty("l2").GetBoolean(),
            TradesBeta = m.TryGetProperty("beta", out var b) ? (float)b.GetDouble() : 6f,
        }.Resolve();
    }

    public static IEnumerable<string> MethodKeys() =>
        JsonDocument.Parse(File.ReadAllText(Path.Combine(Dir, "robust_expect.json"))).RootElement.GetProperty("methods")
            .EnumerateObject().Select(p => p.Name).ToList();
}
