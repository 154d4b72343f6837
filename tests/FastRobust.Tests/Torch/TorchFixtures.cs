using FastRobust.Nn;

namespace FastRobust.Tests.Torch;

/// <summary>The files written by Fixtures/make_fixtures.py with PyTorch.</summary>
public sealed class TorchFixture
{
    private static readonly string Dir = Path.Combine(AppContext.BaseDirectory, "Fixtures");

    public TorchFixture(string name)
    {
        Name = name;
        SpecPath = Path.Combine(Dir, name + ".json");
        WeightsPath = Path.Combine(Dir, name + ".weights.safetensors");
        Expect = SafeTensors.Read(Path.Combine(Dir, name + ".expect.safetensors"));
    }

    public string Name { get; }
    public string SpecPath { get; }
    public string WeightsPath { get; }
    public Dictionary<string, NamedArray> Expect { get; }

    public float[] this[string key] => Expect[key].Values;

    public int[] Shape(string key) => Expect[key].Shape;

    public int[] Labels => Expect["labels"].Values.Select(v => (int)v).ToArray();

    public static readonly string[] Names = ["tiny_cnn", "gap_net", "mlp"];

    /// <summary>Label smoothing each fixture was made with (see make_fixtures.py).</summary>
    public float Smoothing => Name == "gap_net" ? 0.1f : 0f;
}
