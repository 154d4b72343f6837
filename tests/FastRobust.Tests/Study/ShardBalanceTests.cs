using FastRobust.Nn;
using FastRobust.Study;
using FastRobust.Util;
using Xunit;

namespace FastRobust.Tests.StudyTests;

/// <summary>
/// The cost-balanced shard assignment: every unit in exactly one shard, the same answer every time, within
/// Graham's 4/3 bound of the best split (found by brute force), better than round-robin where round-robin is bad;
/// the cost estimate against multiply-adds counted by hand; and shard directories that keep their assignment.
/// </summary>
public sealed class ShardBalanceTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("fr-shards-").FullName;

    public void Dispose()
    {
        try { Directory.Delete(_dir, true); } catch (IOException) { }
    }

    private static double[] RandomCosts(int n, int seed)
    {
        var rng = new System.Random(seed);
        return Enumerable.Range(0, n).Select(_ => Math.Round(Math.Exp(rng.NextDouble() * 6), 3)).ToArray();
    }

    [Theory]
    [InlineData(1, 1)]
    [InlineData(7, 3)]
    [InlineData(30, 4)]
    [InlineData(100, 7)]
    [InlineData(5, 5)]
    public void EveryUnitIsInExactlyOneShardAndTheAnswerIsAlwaysTheSame(int units, int shards)
    {
        var costs = RandomCosts(units, units * 31 + shards);
        var a = ShardBalance.Assign(costs, shards);
        Assert.Equal(shards, a.Units.Count);
        Assert.Equal(Enumerable.Range(0, units), a.Units.SelectMany(u => u).OrderBy(i => i));
        for (int s = 0; s < shards; s++) Assert.Equal(a.Units[s].Sum(i => costs[i]), a.Loads[s], 9);
        if (units >= shards) Assert.All(a.Units, u => Assert.NotEmpty(u));
        var b = ShardBalance.Assign(costs.ToArray(), shards);
        Assert.Equal(a.Units.Select(u => string.Join(",", u)), b.Units.Select(u => string.Join(",", u)));
    }

    [Fact]
    public void EqualCostsGoToShardsInUnitOrder()
    {
        var a = ShardBalance.Assign([1, 1, 1, 1, 1], 2);
        Assert.Equal([0, 2, 4], a.Units[0]);
        Assert.Equal([1, 3], a.Units[1]);
    }

    /// <summary>Graham (1969): the greedy longest-first split is within 4/3 − 1/(3m) of the best; the best found by trying every split.</summary>
    [Fact]
    public void TheLongestShardIsWithinGrahamsBoundOfTheBestSplit()
    {
        for (int seed = 0; seed < 40; seed++)
        {
            int n = 6 + seed % 4, m = 2 + seed % 2;
            var costs = RandomCosts(n, seed);
            double best = double.MaxValue;
            var loads = new double[m];
            void Search(int i)
            {
                if (loads.Max() >= best) return;
                if (i == n) { best = loads.Max(); return; }
                for (int s = 0; s < m; s++)
                {
                    loads[s] += costs[i];
                    Search(i + 1);
                    loads[s] -= costs[i];
                }
            }
            Search(0);
            double greedy = ShardBalance.Assign(costs, m).Loads.Max();
            Assert.True(greedy <= (4.0 / 3 - 1.0 / (3 * m)) * best + 1e-9, $"seed {seed}: greedy {greedy}, best {best}");
            Assert.True(greedy >= best - 1e-9);
        }
    }

    private const string Skewed = """
        { "name": "skewed", "dataset": "mnist", "train_images": 1000,
          "models": [ { "family": "custom-cnn", "grid": { "depth": [1], "width": [64, 4, 60, 5, 56, 6], "hidden": [8] } } ],
          "conditions": [ { "type": "clean" } ], "measures": "none" }
        """;

    [Fact]
    public void BalancedBeatsRoundRobinWhereRoundRobinStacksTheLargeModels()
    {
        var study = StudyFile.Parse(Skewed, "skewed");
        var units = StudyPlan.Expand(study);
        var robin = ShardRecord.Plan(study, units, 2, ShardRecord.RoundRobin);
        var balanced = ShardRecord.Plan(study, units, 2, ShardRecord.Balanced);
        static bool Large(WorkUnit u) => int.Parse(u.Hyperparameters["width"]) >= 56;
        // round-robin puts all three large models on shard 1
        Assert.All(robin.Units[0], i => Assert.True(Large(units[i])));
        Assert.True(robin.MaxOverMean > 1.8, $"round-robin {robin.MaxOverMean}");
        Assert.True(balanced.MaxOverMean < 1.4, $"balanced {balanced.MaxOverMean}");
        Assert.Equal(2, balanced.Units.Count(u => u.Any(i => Large(units[i]))));
    }

    /// <summary>custom-cnn depth 1, width 4, hidden 8 on 1×28×28: multiply-adds counted by hand, layer by layer.</summary>
    [Fact]
    public void ForwardMacsCountConvolutionsLinearLayersAndActivations()
    {
        var spec = ModelFamilies.Build("custom-cnn:depth=1,width=4,hidden=8", [1, 28, 28], 10, [0f], [1f]);
        double conv = 4 * 28 * 28 * (1 * 3 * 3);    // each output value: 1 input channel × 3×3 taps
        double hidden = 8 * (4 * 14 * 14), logits = 10 * 8;
        double elementwise = 1 * 28 * 28 /* normalize */ + 4 * 28 * 28 /* relu */ + 4 * 14 * 14 /* maxpool */ + 4 * 14 * 14 /* flatten */ + 8 /* relu */;
        Assert.Equal(conv + hidden + logits + elementwise, UnitCost.ForwardMacs(spec));
    }

    /// <summary>Clean inference: the 500 test images (the models table's test accuracy) and the 500 evaluation images (the clean row).</summary>
    private const double Clean = 500 + 500;

    [Fact]
    public void CostGrowsWithEpochsAsTrainingPlusTheSameEvaluation()
    {
        var study = StudyFile.Parse("""
            { "dataset": "mnist", "train_images": 1000, "test_images": 500,
              "models": [ { "family": "custom-cnn", "training_grid": { "epochs": [1, 3] } } ], "conditions": [ { "type": "clean" } ], "measures": "none" }
            """, "epochs");
        var units = StudyPlan.Expand(study);
        var c = UnitCost.Estimate(study, units);
        double macs = UnitCost.ForwardMacs(ModelFamilies.Build(units[0].FamilyArgs!, [1, 28, 28], 10, [0f], [1f]));
        Assert.Equal(macs * (3 * 1 * 1000 + Clean), c[0], 6);
        Assert.Equal(macs * (3 * 3 * 1000 + Clean), c[1], 6);
    }

    [Fact]
    public void AdversarialTrainingCostsItsAttackStepsPerImage()
    {
        var study = StudyFile.Parse("""
            { "dataset": "mnist", "train_images": 1000, "test_images": 500,
              "training": { "epochs": 2 },
              "models": [ { "family": "custom-cnn" },
                          { "family": "custom-cnn", "training_grid": { "adversarial": ["fgsm-rs"], "train_eps": [0.3] } },
                          { "family": "custom-cnn", "training_grid": { "adversarial": ["pgd"], "train_eps": [0.3], "train_steps": [7] } } ],
              "conditions": [ { "type": "clean" } ], "measures": "none" }
            """, "adversarial");
        var units = StudyPlan.Expand(study);
        var c = UnitCost.Estimate(study, units);
        double macs = UnitCost.ForwardMacs(ModelFamilies.Build(units[0].FamilyArgs!, [1, 28, 28], 10, [0f], [1f]));
        var byMethod = units.Select((u, i) => (u.Training.GetValueOrDefault("adversarial", "none"), c[i])).ToDictionary();
        Assert.Equal(macs * (3 * 2 * 1000 + Clean), byMethod["none"], 6);
        Assert.Equal(macs * ((3 + 3) * 2 * 1000 + Clean), byMethod["fgsm-rs"], 6);
        Assert.Equal(macs * ((3 + 7 * 3) * 2 * 1000 + Clean), byMethod["pgd"], 6);
    }

    [Fact]
    public void AShardDirectoryKeepsTheUnitsItRecorded()
    {
        var study = StudyFile.Parse(Skewed, "skewed");
        var units = StudyPlan.Expand(study);
        string dir = Path.Combine(_dir, "s2");
        var first = ShardRecord.Resolve(dir, study, units, new Shard(2, 3), null);
        Assert.Equal(ShardRecord.Balanced, ShardRecord.Read(dir)!.Assignment);
        // a recorded round-robin list (as if written by hand or by an older run) is what the shard keeps running
        var robin = units.Where(u => u.Index % 3 == 1).ToList();
        new ShardRecord("2/3", ShardRecord.RoundRobin, robin.Select(u => u.Id).ToArray()).Write(dir);
        Assert.Equal(robin.Select(u => u.Id), ShardRecord.Resolve(dir, study, units, new Shard(2, 3), null).Select(u => u.Id));
        Assert.NotEqual(first.Select(u => u.Id), robin.Select(u => u.Id));
        var e = Assert.Throws<InputException>(() => ShardRecord.Resolve(dir, study, units, new Shard(2, 4), null));
        Assert.Contains("holds shard 2/3", e.Message);
        Assert.Throws<InputException>(() => ShardRecord.Resolve(dir, study, units, new Shard(2, 3), ShardRecord.Balanced));
    }

    /// <summary>A shard directory with models but no shard.json was sharded round-robin (before assignments were recorded): it stays so.</summary>
    [Fact]
    public void AnUnrecordedShardDirectoryWithModelsStaysRoundRobin()
    {
        var study = StudyFile.Parse(Skewed, "skewed");
        var units = StudyPlan.Expand(study);
        string dir = Path.Combine(_dir, "legacy");
        Directory.CreateDirectory(Path.Combine(dir, "units", units[0].Id));
        var mine = ShardRecord.Resolve(dir, study, units, new Shard(1, 2), null);
        Assert.Equal(units.Where(u => u.Index % 2 == 0).Select(u => u.Id), mine.Select(u => u.Id));
        Assert.Equal(ShardRecord.RoundRobin, ShardRecord.Read(dir)!.Assignment);
        // a new directory is balanced, and the shards of a study together hold every unit once
        var all = Enumerable.Range(1, 3).SelectMany(i => ShardRecord.Resolve(Path.Combine(_dir, $"new{i}"), study, units, new Shard(i, 3), null)).Select(u => u.Id).ToList();
        Assert.Equal(units.Select(u => u.Id).OrderBy(x => x), all.OrderBy(x => x));
    }
}
