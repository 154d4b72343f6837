using System.Text.Json;
using FastRobust.Attacks;
using FastRobust.Random;
using Xunit;

namespace FastRobust.Tests.Attacks;

/// <summary>
/// Every attack against the PyTorch reference (attack_reference.py, written from the papers and, for APGD-CE and
/// Square, from the auto-attack repository) on the same weights and the same 32 MNIST test images. The reference
/// draws FastRobust's own Philox numbers, so per-sample outcomes are compared, not only robust accuracy.
/// </summary>
public class ReferenceAttackTests
{
    private static readonly AttackFixture F = AttackFixture.Instance;

    public static TheoryData<string> Configs() => new(AttackFixture.ConfigKeys());

    public static TheoryData<string> ImageConfigs() => new(["fgsm", "pgd_nors", "pgdl2_nors", "pgd_ll"]);

    /// <summary>FGSM and PGD without random start (and without early stopping) reproduce PyTorch's adversarial images.</summary>
    [Theory]
    [MemberData(nameof(ImageConfigs))]
    public void AdversarialImagesMatchTorch(string key)
    {
        var cfg = F.Config(key);
        var expect = F.Images[key];
        int n = expect.Shape[0], size = 28 * 28;
        using var model = F.LoadModel();
        using var r = AttackFixture.Run(model, cfg.GetProperty("attack").GetString()!, F.Data.Images[..(n * size)], F.Data.Labels[..n],
            AttackFixture.Options(cfg.GetProperty("options")));
        var ours = r.AdversarialToArray();
        double mad = 0;
        for (int i = 0; i < ours.Length; i++) mad += Math.Abs(ours[i] - expect.Values[i]);
        mad /= ours.Length;
        Assert.True(mad < 1e-4, $"{key}: mean absolute difference {mad:E3} from PyTorch's adversarial images");
        Assert.Contains(ours, v => v != 0f);
    }

    [Theory]
    [MemberData(nameof(Configs))]
    public void OutcomesMatchTheTorchReference(string key)
    {
        var cfg = F.Config(key);
        string attack = cfg.GetProperty("attack").GetString()!;
        using var model = F.LoadModel();
        using var r = AttackFixture.Run(model, attack, F.Data.Images, F.Data.Labels, AttackFixture.Options(cfg.GetProperty("options")));
        int n = r.Count;
        var success = Bools(cfg, "success");
        var attacked = Bools(cfg, "attacked");
        var steps = cfg.GetProperty("steps").EnumerateArray().Select(e => e.GetInt32()).ToArray();
        var l2 = cfg.GetProperty("l2").EnumerateArray().Select(e => e.GetDouble()).ToArray();
        Assert.Equal(attacked, r.Attacked);
        if (cfg.GetProperty("targets").ValueKind == JsonValueKind.Array)
            Assert.Equal(cfg.GetProperty("targets").EnumerateArray().Select(e => e.GetInt32()), r.Targets!);
        int disagree = Enumerable.Range(0, n).Count(i => success[i] != r.Success[i]);
        // per sample the two engines agree up to float rounding, which can tip a sample on the edge of its budget
        Assert.True(disagree <= 1, $"{key}: success differs from the reference on {disagree} of {n} samples");
        double robust = Enumerable.Range(0, n).Count(r.Robust) / (double)n;
        Assert.Equal(cfg.GetProperty("robust_accuracy").GetDouble(), robust, 1.0 / n + 1e-9);
        // the iteration counts of the attacks that define them, and the perturbation sizes of the minimal ones
        if (attack is "bim" or "pgd" or "pgd-l2" or "deepfool" or "random-l0" or "cw")
            Assert.True(Enumerable.Range(0, n).Count(i => steps[i] == r.Steps[i]) >= n - 1,
                $"{key}: steps [{string.Join(",", r.Steps)}] vs reference [{string.Join(",", steps)}]");
        // perturbation sizes: per sample for the one-shot and minimal-perturbation attacks; on average for the others,
        // whose signed steps can part ways on a pixel whose gradient is a rounding error away from zero
        var same = Enumerable.Range(0, n).Where(i => success[i] == r.Success[i]).ToArray();
        if (attack is "deepfool" or "cw" or "fgsm")
            foreach (int i in same)
                Assert.True(Math.Abs(l2[i] - r.L2[i]) <= 2e-3 * Math.Max(1, l2[i]), $"{key}: sample {i} L2 {r.L2[i]} vs reference {l2[i]}");
        double diff = same.Sum(i => Math.Abs(l2[i] - r.L2[i])), total = same.Sum(i => l2[i]);
        Assert.True(diff <= 0.01 * total + 1e-6, $"{key}: L2 norms differ from the reference by {diff / Math.Max(total, 1e-12):P2} on average");
    }

    private static bool[] Bools(JsonElement cfg, string name) => cfg.GetProperty(name).EnumerateArray().Select(e => e.GetBoolean()).ToArray();

    /// <summary>The reference re-implements Philox and the per-sample streams in NumPy: the same numbers here.</summary>
    [Fact]
    public void PhiloxStreamsMatchTheReference()
    {
        var k = F.Expect.GetProperty("philox");
        var raw = new uint[10];
        for (int i = 0; i < 10; i++) raw[i] = Philox.Lane(7, 11, 3 + (ulong)(i / 4), i % 4);
        Assert.Equal(k.GetProperty("raw").EnumerateArray().Select(e => e.GetUInt32()), raw);
        var rng = new PhiloxStream(0, FastRobust.Cli.Commands.AttackCommand.Stream);
        Assert.Equal(ulong.Parse(k.GetProperty("stream").GetString()!), AttackRandom.Stream(rng, RandomPurpose.SquareStep, 3));
        using var u = Tensors.Tensor.Empty([1, 7]);
        AttackRandom.Uniform(u, 1, _ => 4, 5, 9, -0.25f, 0.5f);
        Assert.Equal(k.GetProperty("uniform").EnumerateArray().Select(e => (float)e.GetDouble()), u.ToArray());
        AttackRandom.Normal(u, 1, _ => 4, 5, 9, 0.5f, 2f);
        Assert.Equal(k.GetProperty("normal").EnumerateArray().Select(e => (float)e.GetDouble()), u.ToArray());
    }
}
