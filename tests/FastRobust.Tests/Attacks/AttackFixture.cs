using System.Text.Json;
using FastRobust.Attacks;
using FastRobust.Data;
using FastRobust.Nn;
using FastRobust.Random;
using FastRobust.Tensors;

namespace FastRobust.Tests.Attacks;

/// <summary>
/// The files written by Fixtures/attack_make_fixtures.py: a small MNIST CNN trained by FastRobust, the outcomes of
/// every attack configuration in the PyTorch reference (attack_reference.py) on the first 32 MNIST test images,
/// and the reference's adversarial images for the deterministic gradient attacks.
/// </summary>
public sealed class AttackFixture
{
    private static readonly string Dir = Path.Combine(AppContext.BaseDirectory, "Fixtures");
    private static readonly Lazy<AttackFixture> Shared = new(() => new AttackFixture());

    public static AttackFixture Instance => Shared.Value;

    private AttackFixture()
    {
        SpecPath = Path.Combine(Dir, "attack_mnist.json");
        WeightsPath = Path.Combine(Dir, "attack_mnist.safetensors");
        Expect = JsonDocument.Parse(File.ReadAllText(Path.Combine(Dir, "attack_expect.json"))).RootElement;
        Images = SafeTensors.Read(Path.Combine(Dir, "attack_expect.safetensors"));
        int n = Expect.GetProperty("images").GetInt32();
        Data = DataLocator.Load("mnist", "test").Take(n);
    }

    public string SpecPath { get; }
    public string WeightsPath { get; }
    public JsonElement Expect { get; }
    public Dictionary<string, NamedArray> Images { get; }

    /// <summary>The first 32 MNIST test images (from the bundled data/mnist).</summary>
    public Dataset Data { get; }

    public Model LoadModel() => Model.Load(SpecPath, WeightsPath, Device.Cpu);

    public JsonElement Config(string key) => Expect.GetProperty("configs").GetProperty(key);

    public static IEnumerable<string> ConfigKeys() =>
        JsonDocument.Parse(File.ReadAllText(Path.Combine(Dir, "attack_expect.json"))).RootElement.GetProperty("configs")
            .EnumerateObject().Select(p => p.Name).ToList();

    /// <summary>The options of a fixture configuration (the CLI's names, as attack_make_fixtures.py writes them).</summary>
    public static AttackOptions Options(JsonElement options)
    {
        var o = new AttackOptions();
        foreach (var p in options.EnumerateObject())
        {
            o = p.Name switch
            {
                "eps" => o with { Epsilon = (float)p.Value.GetDouble() },
                "alpha" => o with { StepSize = (float)p.Value.GetDouble() },
                "steps" => o with { Steps = p.Value.GetInt32() },
                "random_start" => o with { RandomStart = p.Value.GetBoolean() },
                "early_stop" => o with { EarlyStop = p.Value.GetBoolean() },
                "restarts" => o with { Restarts = p.Value.GetInt32() },
                "binary_steps" => o with { BinarySearchSteps = p.Value.GetInt32() },
                "initial_const" => o with { InitialConst = (float)p.Value.GetDouble() },
                "confidence" => o with { Confidence = (float)p.Value.GetDouble() },
                "target" => p.Value.GetString() switch
                {
                    "random" => o with { Target = TargetMode.Random },
                    "least-likely" => o with { Target = TargetMode.LeastLikely },
                    var cls => o with { Target = TargetMode.Given, TargetLabels = [int.Parse(cls!)] },
                },
                _ => throw new ArgumentException($"fixture option '{p.Name}' is not mapped"),
            };
        }
        return o;
    }

    /// <summary>Runs an attack by name on images [n, ...] (host) the way the CLI does (seed 0, the CLI's stream).</summary>
    public static AttackResult Run(Model model, string attack, float[] images, int[] labels, AttackOptions o, ulong seed = 0)
    {
        int[] shape = [labels.Length, .. model.Spec.Input];
        using var x = Tensor.FromArray(images, shape, model.Device);
        using var y = IntTensor.FromArray(labels, model.Device);
        return AttackRegistry.Create(attack).Run(model, x, y, o, new PhiloxStream(seed, FastRobust.Cli.Commands.AttackCommand.Stream));
    }
}
