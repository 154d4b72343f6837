using FastRobust.Data;
using FastRobust.DataRobustness;
using FastRobust.Nn;
using FastRobust.Tests.Cli;
using Xunit;

namespace FastRobust.Tests.DataRobustness;

/// <summary>D_det and D_rand (Ilyas et al. 2019) built on the attack fixture's MNIST CNN.</summary>
public class NonRobustFeaturesTests : CliTestFolder
{
    private static readonly string Fixtures = Path.Combine(AppContext.BaseDirectory, "Fixtures");

    [Fact]
    public void DDet_IsLabelledYPlusOneModC_StaysInTheUnitCubeAndTheBall_AndFoolsItsModel()
    {
        var source = DataLocator.Load("mnist", "train").Take(40);
        using var model = Model.Load(Path.Combine(Fixtures, "attack_mnist.json"), Path.Combine(Fixtures, "attack_mnist.safetensors"), Tensors.Device.Cpu);
        const float eps = 2.5f;
        var (d, rate) = NonRobustFeatures.Build(model, source, TargetChoice.Deterministic, eps, 0.5f, 20, seed: 1, chunk: 16);
        Assert.Equal(source.Labels.Select(y => (y + 1) % 10), d.Labels);
        Assert.All(d.Images, v => Assert.InRange(v, 0f, 1f));
        int size = source.ImageSize;
        for (int i = 0; i < d.N; i++)
        {
            double sq = 0;
            for (int j = 0; j < size; j++) { double dv = d.Images[i * size + j] - source.Images[i * size + j]; sq += dv * dv; }
            Assert.InRange(Math.Sqrt(sq), 1e-3, eps + 1e-3);
        }
        var pred = Training.BatchedInference.Logits(model, d.Images, d.N, 64);
        int hits = Enumerable.Range(0, d.N).Count(i => Enumerable.Range(0, 10).MaxBy(c => pred[i * 10 + c]) == d.Labels[i]);
        Assert.Equal(hits / (double)d.N, rate, 12);
        Assert.True(rate > 0.5, $"targeted PGD reached t on only {rate:P0}");
    }

    [Fact]
    public void DRand_TargetsAnotherClass_UniformlyAndReproducibly()
    {
        var labels = Enumerable.Range(0, 5000).Select(i => i % 10).ToArray();
        var t = NonRobustFeatures.Targets(labels, 10, TargetChoice.Random, 3);
        Assert.All(Enumerable.Range(0, labels.Length), i => Assert.NotEqual(labels[i], t[i]));
        Assert.Equal(t, NonRobustFeatures.Targets(labels, 10, TargetChoice.Random, 3));
        Assert.NotEqual(t, NonRobustFeatures.Targets(labels, 10, TargetChoice.Random, 4));
        foreach (var g in t.GroupBy(v => v)) Assert.InRange(g.Count(), 400, 600);
    }

    [Fact]
    public void TheVerb_WritesAFolderThatTrainReads()
    {
        string dir = P("ddet");
        var r = CliHarness.Run("features", "--kind", "det", "--model", P("m"), "--dataset", "mnist", "--out", dir);
        Assert.Equal(2, r.Code);
        Assert.Contains("model.json", r.Err);
        Directory.CreateDirectory(P("m"));
        File.Copy(Path.Combine(Fixtures, "attack_mnist.json"), P("m/model.json"));
        File.Copy(Path.Combine(Fixtures, "attack_mnist.safetensors"), P("m/model.safetensors"));
        r = CliHarness.Run("features", "--kind", "det", "--model", P("m"), "--dataset", "mnist", "--limit", "64", "--test-limit", "32",
            "--eps", "2", "--alpha", "0.4", "--steps", "5", "--out", dir, "--device", "cpu");
        Assert.True(r.Code == 0, r.Out + r.Err);
        var (train, test) = NpyFolder.Load(dir);
        Assert.Equal(64, train.N);
        Assert.Equal(DataLocator.Load("mnist", "train").Take(64).Labels.Select(y => (y + 1) % 10), train.Labels);
        Assert.Equal(DataLocator.Load("mnist", "test").Take(32).Images, test!.Images);
        r = CliHarness.Run("train", "--dataset", $"npy:{dir}", "--model", P("m/model.json"), "--epochs", "1", "--out", P("t"), "--device", "cpu");
        Assert.True(r.Code == 0, r.Out + r.Err);
        Assert.Equal(2, CliHarness.Run("features", "--kind", "det", "--layer", "3", "--model", P("m"), "--out", P("r")).Code);
    }
}

/// <summary>D_R's representation matching on the attack fixture's CNN (standing in for a robust model).</summary>
public class RobustFeaturesTests
{
    private static readonly string Fixtures = Path.Combine(AppContext.BaseDirectory, "Fixtures");

    [Fact]
    public void RepresentationMatching_LowersItsLoss_KeepsTheLabels_AndStaysInTheUnitCube()
    {
        var source = DataLocator.Load("mnist", "train").Take(12);
        using var model = Model.Load(Path.Combine(Fixtures, "attack_mnist.json"), Path.Combine(Fixtures, "attack_mnist.safetensors"), Tensors.Device.Cpu);
        int layer = RobustFeatures.DefaultLayer(model);
        Assert.Equal("linear", model.Layers[layer].Spec.Type);
        var (d, before, after) = RobustFeatures.Build(model, source, layer, steps: 40, alpha: 0.1f, seed: 2, chunk: 5);
        Assert.True(after < 0.5 * before, $"loss {before} → {after}");
        Assert.Equal(source.Labels, d.Labels);
        Assert.All(d.Images, v => Assert.InRange(v, 0f, 1f));
        // the loss reported is the representation distance recomputed independently (float64 on the host)
        using var x = Tensors.Tensor.FromArray(d.Images, [d.N, 1, 28, 28], Tensors.Device.Cpu);
        using var x0 = Tensors.Tensor.FromArray(source.Images, [d.N, 1, 28, 28], Tensors.Device.Cpu);
        float[] r, r0;
        using (new Tensors.TensorScope())
        using (Tensors.GradMode.NoGrad())
        {
            r = RobustFeatures.Representation(model, x, layer).ToArray();
            r0 = RobustFeatures.Representation(model, x0, layer).ToArray();
        }
        double sum = 0;
        for (int i = 0; i < r.Length; i++) sum += ((double)r[i] - r0[i]) * ((double)r[i] - r0[i]);
        Assert.Equal(sum / d.N, after, 3);
        // each image started from another training image
        Assert.All(Enumerable.Range(0, 12), i => Assert.NotEqual(i, RobustFeatures.StartIndex(i, 12, 2)));
    }
}
