using FastRobust.Data;
using FastRobust.Nn;
using FastRobust.Tensors;
using FastRobust.Training;
using Xunit;

namespace FastRobust.Tests.TrainingTests;

/// <summary>
/// A zoo trained as one ensemble against its members trained alone: every optimizer, schedules, weight decay,
/// momentum kinds, batch norm and dropout; the weights after training and every reported figure must match.
/// </summary>
public class ZooTrainerTests
{
    // no bias before batch norm: its gradient is zero up to rounding, which Adam would blow up to steps of size lr,
    // so rounding alone would tell the two runs apart
    private const string Spec = """
        { "input": [1, 28, 28], "classes": 10, "layers": [
          {"type": "normalize", "mean": [0.13], "std": [0.31]},
          {"type": "conv2d", "out": 4, "kernel": 3, "padding": 1, "bias": false}, {"type": "batchnorm2d"}, {"type": "relu"},
          {"type": "maxpool2d", "kernel": 2},
          {"type": "conv2d", "out": 6, "kernel": 3, "stride": 2}, {"type": "relu"},
          {"type": "flatten"}, {"type": "dropout", "p": 0.3},
          {"type": "linear", "out": 16}, {"type": "relu"}, {"type": "dropout", "p": 0.2}, {"type": "linear", "out": 10} ] }
        """;

    private static readonly TrainOptions[] Members =
    [
        new() { Optimizer = "sgd", Lr = 0.05f, Momentum = 0.9f, Nesterov = true, WeightDecay = 5e-4f, Schedule = "step" },
        new() { Optimizer = "adam", Lr = 3e-3f, Schedule = "cosine" },
        new() { Optimizer = "adamw", Lr = 2e-3f, WeightDecay = 1e-2f, Schedule = "one-cycle" },
        new() { Optimizer = "rmsprop", Lr = 1e-3f, Momentum = 0.5f, WeightDecay = 1e-4f },
        new() { Optimizer = "sgd", Lr = 0.02f, Momentum = 0f },
    ];

    [Fact]
    public void EachMember_EndsWhereItWouldTrainedAlone()
    {
        var spec = ModelSpec.Parse(Spec);
        var mnist = DataLocator.Load("mnist", "train");
        var train = mnist.Take(192);
        var test = DataLocator.Load("mnist", "test").Take(64);
        var options = Members.Select(m => m with { Epochs = 2, Batch = 32, Seed = 11 }).ToArray();

        var alone = new List<(Model Model, List<EpochResult> Results)>();
        for (int e = 0; e < options.Length; e++)
        {
            var m = Model.Create(spec, Device.Cpu, (ulong)(100 + e));
            alone.Add((m, Trainer.Run(m, train, test, options[e])));
        }
        var inits = Enumerable.Range(0, options.Length).Select(e => Model.Create(spec, Device.Cpu, (ulong)(100 + e))).ToList();
        using var zoo = Model.Stack(inits);
        foreach (var m in inits) m.Dispose();
        var results = ZooTrainer.Run(zoo, train, test, options);

        for (int e = 0; e < options.Length; e++)
        {
            using var member = zoo.Member(e);
            var expected = alone[e].Model.StateDict();
            var actual = member.StateDict();
            Assert.Equal(expected.Select(a => a.Name), actual.Select(a => a.Name));
            // the ensemble's products run over all members at once, so sums may be added in another order: agreement to
            // float32 rounding (a wrong optimizer, schedule, mask or slice moves weights by 1e-3 and more after 12 steps)
            for (int i = 0; i < expected.Count; i++)
            {
                double diff = expected[i].Values.Zip(actual[i].Values, (x, y) => Math.Abs(x - y)).Max();
                double scale = expected[i].Values.Max(Math.Abs);
                Assert.True(diff <= 1e-5 * (1 + scale),
                    $"member {e} ({options[e].Optimizer}): {expected[i].Name} differs from training alone by up to {diff} of {scale}");
            }
            for (int ep = 0; ep < 2; ep++)
            {
                var (a, z) = (alone[e].Results[ep], results[e][ep]);
                Assert.Equal(a.TrainAccuracy, z.TrainAccuracy);
                Assert.Equal(a.TestAccuracy, z.TestAccuracy);
                Assert.Equal(a.TestLoss!.Value, z.TestLoss!.Value, 5);
                Assert.Equal(a.LastLr, z.LastLr);
                // the zoo sums each member's per-sample losses itself: the same numbers, added in another order
                Assert.Equal(a.TrainLoss, z.TrainLoss, 5);
            }
            alone[e].Model.Dispose();
        }
        // the members really differ (a shared optimizer or a copied member would pass the checks above only by accident)
        Assert.Equal(options.Length, results.Select(r => r[^1].TrainLoss).Distinct().Count());
    }

    [Fact]
    public void MembersThatDifferInTheData_AreRefused()
    {
        Assert.NotNull(ZooTrainer.Incompatibility([new TrainOptions { Seed = 1 }, new TrainOptions { Seed = 2 }]));
        Assert.NotNull(ZooTrainer.Incompatibility([new TrainOptions { Batch = 32 }, new TrainOptions { Batch = 64 }]));
        Assert.Null(ZooTrainer.Incompatibility([new TrainOptions { Lr = 0.1f }, new TrainOptions { Optimizer = "adam" }]));
    }
}
