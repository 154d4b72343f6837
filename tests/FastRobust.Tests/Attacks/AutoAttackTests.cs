using System.Text.Json;
using FastRobust.Attacks;
using Xunit;

namespace FastRobust.Tests.Attacks;

/// <summary>
/// AutoAttack's members and its standard ensemble against the PyTorch reference (autoattack_reference.py, which runs
/// them as AutoAttack does: whole batches, every iteration, targets one after another) on the 32 MNIST images of the
/// attack fixtures, with the same Philox starting points; and the ensemble against its own members.
/// </summary>
public class AutoAttackTests
{
    private static readonly AttackFixture F = AttackFixture.Instance;
    private static readonly string Dir = Path.Combine(AppContext.BaseDirectory, "Fixtures");
    private static readonly Lazy<JsonElement> Expect = new(() =>
        JsonDocument.Parse(File.ReadAllText(Path.Combine(Dir, "autoattack_expect.json"))).RootElement);

    public static TheoryData<string> Configs() => new(
        JsonDocument.Parse(File.ReadAllText(Path.Combine(Dir, "autoattack_expect.json"))).RootElement.GetProperty("configs")
            .EnumerateObject().Select(p => p.Name).ToList());

    private static AttackOptions Options(JsonElement o)
    {
        var r = new AttackOptions();
        foreach (var p in o.EnumerateObject())
            r = p.Name switch
            {
                "eps" => r with { Epsilon = (float)p.Value.GetDouble() },
                "steps" => r with { Steps = p.Value.GetInt32() },
                "target_classes" => r with { TargetClasses = p.Value.GetInt32() },
                "restarts" => r with { Restarts = p.Value.GetInt32() },
                _ => throw new ArgumentException($"fixture option '{p.Name}' is not mapped"),
            };
        return r;
    }

    /// <summary>Per sample, fooled or not as in the reference (one sample may differ by float rounding); the ensemble's log too.</summary>
    [Theory]
    [MemberData(nameof(Configs))]
    public void OutcomesMatchTheTorchReference(string key)
    {
        var cfg = Expect.Value.GetProperty("configs").GetProperty(key);
        string name = cfg.GetProperty("attack").GetString()!;
        var atk = AttackRegistry.Create(name);
        using var model = F.LoadModel();
        using var x = Tensors.Tensor.FromArray(F.Data.Images, [F.Data.N, 1, 28, 28], model.Device);
        using var y = Tensors.IntTensor.FromArray(F.Data.Labels, model.Device);
        using var r = atk.Run(model, x, y, Options(cfg.GetProperty("options")), new Random.PhiloxStream(0, FastRobust.Cli.Commands.AttackCommand.Stream));
        var fooled = cfg.GetProperty("fooled").EnumerateArray().Select(e => e.GetBoolean()).ToArray();
        int n = r.Count;
        var ours = Enumerable.Range(0, n).Select(i => r.Attacked[i] && r.Success[i]).ToArray();
        int disagree = Enumerable.Range(0, n).Count(i => ours[i] != fooled[i]);
        Assert.True(disagree <= 1, $"{key}: fooled differs from the reference on {disagree} of {n} samples: ours [{string.Join("", ours.Select(b => b ? 1 : 0))}], reference [{string.Join("", fooled.Select(b => b ? 1 : 0))}]");
        Assert.True(fooled.Any(f => f), $"{key}: the reference fooled nothing; the configuration tests nothing");
        double robust = Enumerable.Range(0, n).Count(r.Robust) / (double)n;
        Assert.Equal(cfg.GetProperty("robust_accuracy").GetDouble(), robust, 1.0 / n + 1e-9);
        if (atk is AutoAttack aa)
        {
            var after = cfg.GetProperty("after").EnumerateObject().Select(p => p.Value.GetInt32()).ToArray();
            Assert.Equal(after.Length, aa.Log.Count);
            for (int m = 0; m < after.Length; m++)
                Assert.True(Math.Abs(after[m] - aa.Log[m].Robust) <= 1, $"{key}: robust after {aa.Log[m].Member}: {aa.Log[m].Robust}, reference {after[m]}");
        }
    }

    /// <summary>
    /// The ensemble is never less strict than a member: a sample it counts robust is robust to each member run alone
    /// on the same samples with the same seed (per-sample randomness makes a member's run on a sample the same alone
    /// and inside the ensemble), so its robust accuracy is at most each member's.
    /// </summary>
    [Theory]
    [InlineData("autoattack", 0.1f)]
    [InlineData("autoattack-l2", 1.5f)]
    public void TheEnsembleIsNeverMoreRobustThanAMember(string name, float eps)
    {
        using var model = F.LoadModel();
        var o = new AttackOptions { Epsilon = eps, Steps = 10 };
        var aa = (AutoAttack)AttackRegistry.Create(name);
        using var x = Tensors.Tensor.FromArray(F.Data.Images, [F.Data.N, 1, 28, 28], model.Device);
        using var y = Tensors.IntTensor.FromArray(F.Data.Labels, model.Device);
        using var ens = aa.Run(model, x, y, o, new Random.PhiloxStream(0, FastRobust.Cli.Commands.AttackCommand.Stream));
        int n = ens.Count;
        double ensRobust = Enumerable.Range(0, n).Count(ens.Robust) / (double)n;
        foreach (var (member, _) in aa.Members(aa.Resolve(o)))
        {
            var mo = o with { Steps = member is SquareAttack ? 500 : 10 };
            using var alone = AttackFixture.Run(model, member.Name, F.Data.Images, F.Data.Labels, mo);
            double memberRobust = Enumerable.Range(0, n).Count(alone.Robust) / (double)n;
            Assert.True(ensRobust <= memberRobust, $"{name}: ensemble {ensRobust:P1} above {member.Name} alone {memberRobust:P1}");
            for (int i = 0; i < n; i++)
                if (ens.Robust(i)) Assert.True(alone.Robust(i), $"{name}: sample {i} robust in the ensemble but fooled by {member.Name} alone");
        }
        // the log falls member by member and ends at the ensemble's robust count
        for (int m = 1; m < aa.Log.Count; m++) Assert.True(aa.Log[m].Robust <= aa.Log[m - 1].Robust);
        Assert.Equal(Enumerable.Range(0, n).Count(ens.Robust), aa.Log[^1].Robust);
    }

    [Fact]
    public void VersionsHaveAutoAttacksMembers()
    {
        var aa = new AutoAttack(false);
        string Names(string v) => string.Join(",", aa.Members(new AttackOptions { Epsilon = 0.1f, Version = v }).Select(m => m.Member.Name + "x" + m.Restarts));
        Assert.Equal("apgd-cex1,apgd-tx1,fab-tx1,squarex1", Names("standard"));
        Assert.Equal("apgd-cex5,apgd-dlrx5,fabx5,squarex1,apgd-tx1,fab-tx1", Names("plus"));
        Assert.Equal("apgd-cex1,apgd-dlrx1", Names("rand"));
        Assert.Equal("apgd-ce-l2x1,apgd-t-l2x1,fab-t-l2x1", string.Join(",", new AutoAttack(true).Members(new AttackOptions { Epsilon = 1f }).Select(m => m.Member.Name + "x" + m.Restarts)));
        Assert.Throws<Util.InputException>(() => aa.Resolve(new AttackOptions { Epsilon = 0.1f, Version = "custom" }));
        Assert.Throws<Util.InputException>(() => aa.Resolve(new AttackOptions { Epsilon = 0.1f, Restarts = 2 }));
        Assert.Equal("autoattack", AttackRegistry.Create("aa").Name);
    }
}
