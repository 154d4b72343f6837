using FastRobust.Attacks;
using FastRobust.Training;
using Xunit;

namespace FastRobust.Tests.Attacks;

/// <summary>
/// What must hold for every attack and target mode, checked on the returned images by code independent of the
/// attacks: pixels in [0, 1], the perturbation inside the ε-ball of the attack's norm, a success really changes the
/// prediction (untargeted) or hits the target (targeted), untouched samples stay untouched, and the reported norms
/// and predictions are those of the returned images.
/// </summary>
public class AttackInvariantTests
{
    private const int N = 16;
    private static readonly AttackFixture F = AttackFixture.Instance;

    public static TheoryData<string, string> Cases() => new()
    {
        { "fgsm", "eps=0.2" },
        { "fgsm", "eps=0.3,target=random" },
        { "bim", "eps=0.15" },
        { "bim", "eps=0.3,steps=10,alpha=0.04,target=least-likely" },
        { "pgd", "eps=0.15" },
        { "pgd", "eps=0.3,steps=20,target=7" },
        { "pgd", "eps=0.15,random_start=false,early_stop=false" },
        { "pgd-l2", "eps=2" },
        { "pgd-l2", "eps=3,steps=20,target=random" },
        { "deepfool", "" },
        { "deepfool", "eps=1" },
        { "cw", "steps=50,binary_steps=3,initial_const=1" },
        { "cw", "eps=5,steps=60,binary_steps=3,initial_const=10,lr=0.05,target=random" },
        { "cw", "eps=3,steps=300,binary_steps=2,initial_const=10,target=least-likely" },
        { "apgd-ce", "eps=0.15,steps=20" },
        { "apgd-ce", "eps=0.3,steps=20,target=random" },
        { "square", "eps=0.2,steps=100" },
        { "square", "eps=0.3,steps=100,target=random" },
        { "random-l0", "eps=28,steps=50" },
        { "random-l0", "eps=12,steps=100" },
        { "gaussian", "eps=0.4,restarts=2" },
        { "apgd-ce-l2", "eps=2,steps=20" },
        { "apgd-dlr", "eps=0.15,steps=20" },
        { "apgd-dlr-l2", "eps=2,steps=20" },
        { "apgd-t", "eps=0.15,steps=10,target_classes=3" },
        { "apgd-t-l2", "eps=2,steps=10,target_classes=3" },
        { "fab-t", "eps=0.15,steps=10,target_classes=3" },
        { "fab-t-l2", "eps=2,steps=10,target_classes=3" },
        { "fab", "eps=0.15,steps=10,restarts=2" },
        { "fab-l2", "eps=2,steps=10" },
        { "autoattack", "eps=0.15,steps=5" },
        { "autoattack-l2", "eps=2,steps=5" },
    };

    internal static AttackOptions Parse(string spec)
    {
        var o = new AttackOptions();
        foreach (var part in spec.Split(',', StringSplitOptions.RemoveEmptyEntries))
        {
            var kv = part.Split('=');
            string v = kv[1];
            float f() => float.Parse(v, System.Globalization.CultureInfo.InvariantCulture);
            o = kv[0] switch
            {
                "eps" => o with { Epsilon = f() },
                "alpha" => o with { StepSize = f() },
                "steps" => o with { Steps = int.Parse(v) },
                "restarts" => o with { Restarts = int.Parse(v) },
                "random_start" => o with { RandomStart = bool.Parse(v) },
                "early_stop" => o with { EarlyStop = bool.Parse(v) },
                "binary_steps" => o with { BinarySearchSteps = int.Parse(v) },
                "initial_const" => o with { InitialConst = f() },
                "lr" => o with { LearningRate = f() },
                "batch" => o with { Batch = int.Parse(v) },
                "target_classes" => o with { TargetClasses = int.Parse(v) },
                "version" => o with { Version = v },
                "target" => v switch
                {
                    "random" => o with { Target = TargetMode.Random },
                    "least-likely" => o with { Target = TargetMode.LeastLikely },
                    _ => o with { Target = TargetMode.Given, TargetLabels = [int.Parse(v)] },
                },
                _ => throw new ArgumentException(kv[0]),
            };
        }
        return o;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void OutputsRespectTheThreatModelAndSuccessIsReal(string attack, string spec)
    {
        var o = Parse(spec);
        using var model = F.LoadModel();
        model.SetRequiresGrad(true);
        int size = 28 * 28;
        var x = F.Data.Images[..(N * size)];
        var y = F.Data.Labels[..N];
        using var r = AttackFixture.Run(model, attack, x, y, o);
        var adv = r.AdversarialToArray();
        var atk = AttackRegistry.Create(attack);
        var resolved = atk.Resolve(o);

        // independent forward pass on the returned images
        var clean = AttackBase.ArgMaxRows(BatchedInference.Logits(model, x, N, 64), N, 10);
        var pred = AttackBase.ArgMaxRows(BatchedInference.Logits(model, adv, N, 64), N, 10);
        Assert.Equal(clean, r.CleanPrediction);
        Assert.Equal(pred, r.Prediction);
        for (int i = 0; i < N; i++)
        {
            var a = adv.AsSpan(i * size, size);
            var c = x.AsSpan(i * size, size);
            double l1 = 0, l2 = 0, linf = 0;
            int l0 = 0;
            for (int j = 0; j < size; j++)
            {
                Assert.InRange(a[j], 0f, 1f);
                double d = (double)a[j] - c[j];
                if (d != 0) l0++;
                l1 += Math.Abs(d);
                l2 += d * d;
                linf = Math.Max(linf, Math.Abs(d));
            }
            l2 = Math.Sqrt(l2);
            Assert.Equal(l0, r.L0[i]);
            Assert.Equal(l1, r.L1[i], 1e-4 * Math.Max(1, l1));
            Assert.Equal(l2, r.L2[i], 1e-5 * Math.Max(1, l2));
            Assert.Equal(linf, r.Linf[i], 1e-6);
            if (resolved.Epsilon is float eps)
            {
                switch (atk.Norm)
                {
                    case ThreatNorm.Linf: Assert.True(linf <= eps + 1e-6, $"sample {i}: L∞ {linf} > ε {eps}"); break;
                    case ThreatNorm.L2: Assert.True(l2 <= eps * (1 + 1e-5) + 1e-6, $"sample {i}: L2 {l2} > ε {eps}"); break;
                    case ThreatNorm.L0: Assert.True(l0 <= eps, $"sample {i}: {l0} pixels changed > k = {eps}"); break;
                }
            }
            bool targeted = o.Target != TargetMode.None;
            if (targeted)
            {
                int t = r.Targets![i];
                Assert.Equal(pred[i] == t, r.Success[i]);
                Assert.Equal(clean[i] != t, r.Attacked[i]);
                if (o.Target == TargetMode.Random) Assert.NotEqual(y[i], t);
                if (o.Target == TargetMode.Given) Assert.Equal(o.TargetLabels![0], t);
            }
            else
            {
                Assert.Null(r.Targets);
                Assert.Equal(pred[i] != y[i], r.Success[i]);
                Assert.Equal(clean[i] == y[i], r.Attacked[i]);
            }
            if (!r.Attacked[i])
            {
                Assert.Equal(0, l0);
                Assert.Equal(0, r.Steps[i]);
            }
            Assert.True(r.Queries[i] >= r.Steps[i]);
            Assert.True(r.Steps[i] <= MaxSteps(attack, resolved), $"sample {i}: {r.Steps[i]} steps");
        }
        if (o.Target == TargetMode.LeastLikely)
        {
            var logits = BatchedInference.Logits(model, x, N, 64);
            for (int i = 0; i < N; i++)
                Assert.Equal(Enumerable.Range(0, 10).OrderBy(k => logits[i * 10 + k]).First(), r.Targets![i]);
        }
        Assert.True(r.Success.Where((s, i) => r.Attacked[i] && s).Any(), $"{attack} {spec}: no attacked sample was fooled");
        // no weight gradients were computed, and the model's own setting is back
        Assert.All(model.Trainable, p => Assert.Null(p.Value.Grad));
        Assert.All(model.Trainable, p => Assert.True(p.Value.RequiresGrad));
    }

    private static int MaxSteps(string attack, AttackOptions o) => attack switch
    {
        "cw" => o.Steps!.Value * o.BinarySearchSteps,
        "gaussian" => o.Restarts,
        "apgd-t" or "apgd-t-l2" or "fab-t" or "fab-t-l2" => o.Steps!.Value * o.Restarts * o.TargetClasses,
        "autoattack" or "autoattack-l2" => o.Steps!.Value * (1 + 2 * o.TargetClasses + 50),
        "fab" or "fab-l2" => o.Steps!.Value * o.Restarts,
        _ => (o.Steps ?? 1) * o.Restarts,
    };

    [Fact]
    public void SameSeedSameResultOtherSeedOtherStart()
    {
        using var model = F.LoadModel();
        var o = Parse("eps=0.15,steps=5");
        var x = F.Data.Images[..(N * 784)];
        var y = F.Data.Labels[..N];
        using var a = AttackFixture.Run(model, "pgd", x, y, o, seed: 3);
        using var b = AttackFixture.Run(model, "pgd", x, y, o, seed: 3);
        using var c = AttackFixture.Run(model, "pgd", x, y, o, seed: 4);
        Assert.Equal(a.AdversarialToArray(), b.AdversarialToArray());
        Assert.Equal(a.Steps, b.Steps);
        Assert.NotEqual(a.AdversarialToArray(), c.AdversarialToArray());
    }

    /// <summary>Randomness is keyed by the sample's index: batch size and the sample offset of a split run change nothing.</summary>
    [Theory]
    [InlineData("pgd", "eps=0.12,steps=8")]
    [InlineData("apgd-ce", "eps=0.12,steps=10")]
    [InlineData("square", "eps=0.15,steps=60")]
    [InlineData("random-l0", "eps=28,steps=30")]
    [InlineData("gaussian", "eps=0.5,restarts=2")]
    [InlineData("apgd-t", "eps=0.12,steps=8,target_classes=3")]
    [InlineData("fab-t-l2", "eps=1.5,steps=8,target_classes=3")]
    [InlineData("autoattack", "eps=0.12,steps=4")]
    public void ResultsDoNotDependOnBatchingOrSplitting(string attack, string spec)
    {
        using var model = F.LoadModel();
        var o = Parse(spec);
        var x = F.Data.Images[..(N * 784)];
        var y = F.Data.Labels[..N];
        using var whole = AttackFixture.Run(model, attack, x, y, o);
        using var small = AttackFixture.Run(model, attack, x, y, o with { Batch = 3 });
        Assert.Equal(whole.Success, small.Success);
        Assert.Equal(whole.Steps, small.Steps);
        using var second = AttackFixture.Run(model, attack, x[(8 * 784)..], y[8..], o with { SampleOffset = 8 });
        Assert.Equal(whole.Success[8..], second.Success);
        Assert.Equal(whole.Steps[8..], second.Steps);
        Assert.Equal(8, second.SampleOffset);
        var w = whole.AdversarialToArray();
        var s = small.AdversarialToArray();
        var h = second.AdversarialToArray();
        Assert.True(MaxDiff(w, s) < 1e-5, $"batch 3 vs 256: {MaxDiff(w, s)}");
        Assert.True(MaxDiff(w[(8 * 784)..], h) < 1e-5, $"split: {MaxDiff(w[(8 * 784)..], h)}");
    }

    private static double MaxDiff(float[] a, float[] b) => a.Zip(b, (p, q) => Math.Abs(p - q)).Max();

    [Theory]
    [InlineData("fgsm")]
    [InlineData("pgd")]
    [InlineData("square")]
    [InlineData("deepfool")]
    public void ZeroEpsilonChangesNothing(string attack)
    {
        using var model = F.LoadModel();
        var x = F.Data.Images[..(N * 784)];
        using var r = AttackFixture.Run(model, attack, x, F.Data.Labels[..N], new AttackOptions { Epsilon = 0f });
        Assert.Equal(x, r.AdversarialToArray());
        Assert.Equal(r.CleanPrediction, r.Prediction);
        var s = r.Summarize();
        Assert.Equal(s.CleanAccuracy, s.RobustAccuracy);
    }
}
