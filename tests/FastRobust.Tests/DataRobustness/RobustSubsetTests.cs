using FastRobust.Attacks;
using FastRobust.Data;
using FastRobust.DataRobustness;
using FastRobust.Nn;
using FastRobust.Random;
using FastRobust.Tensors;
using Xunit;

namespace FastRobust.Tests.DataRobustness;

/// <summary>
/// Robust vs non-robust and the class-balanced draw on a set whose answer is known: 2×2 one-channel images and a
/// linear model that says class 1 exactly when the pixel sum exceeds 2. With k = 1 a step moves the sum by less than
/// 1, so images with sum 3.8 or 0.2 can never flip, while images with sum 2.56 or 1.44 flip with probability 0.08 per
/// step (all but surely within 200 steps); their steps-to-flip are recomputed here in float64, one image and one step at a time.
/// </summary>
public class RobustSubsetTests
{
    private const int MaxSteps = 200;
    private static readonly PhiloxStream Rng = new(21, DatapointsPipeline.TrainStream);

    // (pixel value, label): far from the boundary, near it, and one the model gets wrong
    private static readonly (float Value, int Label)[] Images =
    [
        (0.95f, 1), (0.05f, 0), (0.95f, 1), (0.64f, 1), (0.36f, 0), (0.95f, 1), (0.64f, 1), (0.36f, 0), (0.95f, 0), (0.36f, 0),
    ];

    private static Dataset Set()
    {
        var pixels = Images.SelectMany(t => Enumerable.Repeat(t.Value, 4)).ToArray();
        return new Dataset("known", pixels, Images.Select(t => t.Label).ToArray(), 1, 2, 2, 2);
    }

    private static Model SumModel()
    {
        var spec = new ModelSpec([1, 2, 2], 2, [new LayerSpec("flatten"), new LayerSpec("linear") { Out = 2 }]);
        var model = Model.Create(spec, Device.Cpu, 0);
        string path = Path.Combine(Path.GetTempPath(), $"sum-model-{Guid.NewGuid():N}.safetensors");
        SafeTensors.Write(path, [new NamedArray("1.weight", "F32", [2, 4], [-1, -1, -1, -1, 1, 1, 1, 1]), new NamedArray("1.bias", "F32", [2], [2, -2])]);
        model.LoadWeights(path);
        File.Delete(path);
        return model;
    }

    /// <summary>Steps-to-flip from the definition: perturb the original, sum in float64, stop at the first wrong class.</summary>
    private static int ReferenceStepsToFlip(Dataset d, int i)
    {
        var image = new float[4];
        var bits = RandomPixels.Scratch(1, 1);
        if ((d.Image(i).ToArray().Sum(v => (double)v) > 2 ? 1 : 0) != d.Labels[i]) return 0;
        for (int s = 0; s < MaxSteps; s++)
        {
            RandomPixels.Perturb(image, d.Image(i), 1, 1, Rng.Seed, RandomPixels.StepStream(Rng, s), i, bits);
            if ((image.Sum(v => (double)v) > 2 ? 1 : 0) != d.Labels[i]) return s + 1;
        }
        return 0;
    }

    [Fact]
    public void RobustAndNonRobust_AreTheKnownImages_WithTheReferenceStepsToFlip()
    {
        var d = Set();
        using var model = SumModel();
        var o = RandomScheme.Run(model, d, 1, MaxSteps, Rng, batch: 3);
        Assert.Equal([true, true, true, false, false, true, false, false, false, false], Enumerable.Range(0, d.N).Select(o.Robust));
        Assert.False(o.Correct(8));
        Assert.Equal(0, o.StepsToFlip[8]);
        var reference = Enumerable.Range(0, d.N).Select(i => ReferenceStepsToFlip(d, i)).ToArray();
        Assert.Equal(reference, o.StepsToFlip);
        Assert.All([3, 4, 6, 7, 9], i => Assert.True(o.StepsToFlip[i] > 0 && o.FlipPrediction[i] == 1 - d.Labels[i]));
        // several different steps: the draws really differ per step and per image
        Assert.True(reference.Where(v => v > 0).Distinct().Count() >= 3, string.Join(",", reference));

        Assert.Equal(0.9, o.Accuracy, 12);
        Assert.Equal(0.4, o.RobustFraction, 12);
        var curve = o.Survival();
        Assert.Equal(0.9, curve[0], 12);
        Assert.Equal(0.4, curve[^1], 12);
        for (int s = 0; s <= MaxSteps; s++)
            Assert.Equal(Enumerable.Range(0, d.N).Count(i => o.Correct(i) && (reference[i] == 0 || reference[i] > s)) / 10.0, curve[s], 12);
        Assert.Equal([1, 3], o.RobustPerClass(2));
    }

    [Fact]
    public void TheSampleTable_RoundTrips()
    {
        var d = Set();
        using var model = SumModel();
        var o = RandomScheme.Run(model, d, 1, MaxSteps, Rng);
        string path = Path.Combine(Path.GetTempPath(), $"samples-{Guid.NewGuid():N}.parquet");
        try
        {
            o.ToTable().Write(path);
            var back = SchemeOutcome.Read(path);
            Assert.Equal(o.StepsToFlip, back.StepsToFlip);
            Assert.Equal(o.CleanPrediction, back.CleanPrediction);
            Assert.Equal(o.FlipPrediction, back.FlipPrediction);
            Assert.Equal(o.Labels, back.Labels);
            Assert.Equal(MaxSteps, back.MaxSteps);
            var t = FastRobust.Tables.Table.Read(path);
            Assert.Equal(Enumerable.Range(0, d.N).Select(o.Robust), (bool[])t.Column("robust"));
            Assert.Equal(Enumerable.Range(0, d.N).Select(i => (long)o.StepsSurvived(i)), (long[])t.Column("steps_survived"));
        }
        finally { File.Delete(path); }
    }

    [Fact]
    public void TheBalancedDraw_TakesPerClassOfEachClass_AndAllOfAClassWithFewer()
    {
        var d = Set();
        using var model = SumModel();
        var o = RandomScheme.Run(model, d, 1, MaxSteps, Rng);
        // robust: class 0 → {1}; class 1 → {0, 2, 5}
        var sub = RobustSubset.Draw(o, 2, perClass: 2, seed: 4);
        Assert.Equal([1, 3], sub.Available);
        Assert.Equal([1, 2], sub.Taken);
        Assert.Equal([0], sub.Shortfall);
        Assert.Contains(1, sub.Indices);
        Assert.Equal(3, sub.Indices.Length);
        Assert.Equal(sub.Indices.Order(), sub.Indices);
        Assert.All(sub.Indices, i => Assert.True(o.Robust(i)));

        var all = RobustSubset.Draw(o, 2, perClass: 5, seed: 4);
        Assert.Equal([0, 1, 2, 5], all.Indices);
        Assert.Equal([0, 1], all.Shortfall);

        // uniform without replacement: each of class 1's three robust images is drawn in 2/3 of the draws
        var counts = new Dictionary<int, int> { [0] = 0, [2] = 0, [5] = 0 };
        const int draws = 3000;
        for (ulong seed = 0; seed < draws; seed++)
        {
            var s = RobustSubset.Draw(o, 2, 2, seed);
            Assert.Equal(s.Indices.Distinct().Count(), s.Indices.Length);
            foreach (int i in s.Indices.Where(i => d.Labels[i] == 1)) counts[i]++;
        }
        Assert.All(counts.Values, c => Assert.InRange(c / (double)draws, 2.0 / 3 - 0.04, 2.0 / 3 + 0.04));
    }
}
