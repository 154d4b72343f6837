using System.Text.Json;
using FastRobust.Attacks;
using FastRobust.Data;
using FastRobust.DataRobustness;
using FastRobust.Nn;
using FastRobust.Random;
using FastRobust.Tensors;
using Xunit;

namespace FastRobust.Tests.DataRobustness;

/// <summary>
/// The random L0 scheme against Fixtures/datapoints_expect.json (datapoints_make_fixtures.py): single steps written
/// from the scheme's definition in NumPy, and the whole scheme on 48 MNIST test images in the PyTorch reference.
/// </summary>
public class RandomSchemeTests
{
    private static readonly string Dir = Path.Combine(AppContext.BaseDirectory, "Fixtures");
    private static readonly JsonElement Expect = JsonDocument.Parse(File.ReadAllText(Path.Combine(Dir, "datapoints_expect.json"))).RootElement;

    [Fact]
    public void EachStepsImage_EqualsTheReferenceDraw()
    {
        int cases = 0;
        foreach (var c in Expect.GetProperty("draws").EnumerateArray())
        {
            var shape = c.GetProperty("shape").EnumerateArray().Select(v => v.GetInt32()).ToArray();
            var original = c.GetProperty("original").EnumerateArray().Select(v => (float)v.GetDouble()).ToArray();
            var expected = c.GetProperty("expected").EnumerateArray().Select(v => (float)v.GetDouble()).ToArray();
            int k = c.GetProperty("k").GetInt32();
            var rng = new PhiloxStream(c.GetProperty("seed").GetUInt64(), ulong.Parse(c.GetProperty("base").GetString()!));
            var image = new float[original.Length];
            Array.Fill(image, float.NaN); // the draw starts from the original, not from what the buffer held
            RandomPixels.Perturb(image, original, shape[0], k, rng.Seed, RandomPixels.StepStream(rng, c.GetProperty("step").GetInt32()),
                c.GetProperty("sample").GetInt64(), RandomPixels.Scratch(k, shape[0]));
            Assert.Equal(expected, image);
            cases++;
        }
        Assert.Equal(7, cases);
    }

    [Fact]
    public void Draws_ChangeAtMostKPixelsOfTheOriginal_WithRepeatsAndUniformValues()
    {
        const int k = 28, hw = 784, steps = 400;
        var original = new float[hw];
        Array.Fill(original, -1f); // outside [0, 1): every drawn pixel is seen
        var rng = new PhiloxStream(11, 5);
        var image = new float[hw];
        var bits = RandomPixels.Scratch(k, 1);
        int fewer = 0;
        var values = new List<float>();
        var hits = new int[hw];
        for (int s = 0; s < steps; s++)
        {
            RandomPixels.Perturb(image, original, 1, k, rng.Seed, RandomPixels.StepStream(rng, s), 3, bits);
            var changed = Enumerable.Range(0, hw).Where(i => image[i] != -1f).ToArray();
            Assert.InRange(changed.Length, 1, k);
            if (changed.Length < k) fewer++;
            foreach (int i in changed) { values.Add(image[i]); hits[i]++; }
        }
        // with replacement: P(28 draws of 784 collide) = 1 − ∏(1 − j/784) ≈ 0.38
        Assert.InRange(fewer / (double)steps, 0.28, 0.48);
        Assert.All(values, v => Assert.InRange(v, 0f, 1f - 1e-7f));
        Assert.InRange(values.Average(), 0.47, 0.53);
        Assert.InRange(values.Count(v => v < 0.25f) / (double)values.Count, 0.22, 0.28);
        // positions uniform: the top and bottom half of the image are hit about equally often
        double top = hits.Take(hw / 2).Sum() / (double)hits.Sum();
        Assert.InRange(top, 0.46, 0.54);
    }

    [Theory]
    [InlineData(5)]
    [InlineData(64)]
    public void Scheme_OnMnist_MatchesThePyTorchReference_AtAnyBatchSize(int batch)
    {
        var s = Expect.GetProperty("scheme");
        int n = s.GetProperty("images").GetInt32();
        var data = DataLocator.Load("mnist", "test").Take(n);
        using var model = Model.Load(Path.Combine(Dir, "attack_mnist.json"), Path.Combine(Dir, "attack_mnist.safetensors"), Device.Cpu);
        var rng = new PhiloxStream(s.GetProperty("seed").GetUInt64(), ulong.Parse(s.GetProperty("stream").GetString()!));
        Assert.Equal(DatapointsPipeline.TestStream, rng.Stream);
        var outcome = RandomScheme.Run(model, data, s.GetProperty("k").GetInt32(), s.GetProperty("max_steps").GetInt32(), rng, batch);
        Assert.Equal(s.GetProperty("clean_prediction").EnumerateArray().Select(v => v.GetInt32()), outcome.CleanPrediction);
        var flips = s.GetProperty("steps_to_flip").EnumerateArray().Select(v => v.GetInt32()).ToArray();
        Assert.Equal(flips, outcome.StepsToFlip);
        Assert.True(flips.Count(f => f > 0) >= 10, "the fixture should flip many images");
        Assert.All(Enumerable.Range(0, n), i => Assert.Equal(outcome.Flipped(i), outcome.FlipPrediction[i] >= 0 && outcome.FlipPrediction[i] != data.Labels[i]));
    }

    [Fact]
    public void Scheme_GivesTheStepsOfTheRandomL0Attack()
    {
        var data = DataLocator.Load("mnist", "test").Take(24);
        using var model = Model.Load(Path.Combine(Dir, "attack_mnist.json"), Path.Combine(Dir, "attack_mnist.safetensors"), Device.Cpu);
        var rng = new PhiloxStream(3, 99);
        var outcome = RandomScheme.Run(model, data, 90, 40, rng, batch: 7);
        using var x = Tensor.FromArray(data.Images, [data.N, data.C, data.H, data.W], Device.Cpu);
        using var y = IntTensor.FromArray(data.Labels, Device.Cpu);
        using var attack = new RandomPixels().Run(model, x, y, new AttackOptions { Epsilon = 90, Steps = 40, Batch = 10 }, rng);
        for (int i = 0; i < data.N; i++)
            Assert.Equal(attack.Success[i] ? attack.Steps[i] : 0, outcome.StepsToFlip[i]);
    }
}
