using System.Diagnostics;
using FastRobust.Tensors;
using FastRobust.Util;

namespace FastRobust.Attacks;

/// <summary>
/// AutoAttack (Croce &amp; Hein 2020, autoattack.py): an ensemble run member after member, each only on the samples still
/// robust (classified correctly after every earlier member), keeping the first adversarial image found. Versions:
/// standard — APGD-CE, APGD-T (9 targets), FAB-T (9 targets), Square (5,000 queries), one restart each (RobustBench's
/// figure); plus — APGD-CE, APGD-DLR and FAB (untargeted) with 5 restarts, Square, APGD-T, FAB-T; rand — APGD-CE and APGD-DLR with one
/// restart (AutoAttack averages 20 gradients per step there for randomised defences; FastRobust's models are
/// deterministic at evaluation, so the 20 gradients would be one gradient 20 times and one is taken). `--steps N`
/// scales the budget: N iterations for APGD and FAB, 50·N queries for Square (the default N = 100 is AutoAttack's).
/// The L2 ensemble has no Square member (FastRobust's Square is L∞ only); it says so in its log.
/// <see cref="Log"/> accumulates, per member, the samples still robust after it and its seconds, over all batches.
/// </summary>
public sealed class AutoAttack : AttackBase
{
    public AutoAttack(bool l2) => L2 = l2;

    public bool L2 { get; }
    public override string Name => L2 ? "autoattack-l2" : "autoattack";
    public override ThreatNorm Norm => L2 ? ThreatNorm.L2 : ThreatNorm.Linf;
    public override bool SupportsTargeted => false;

    public static readonly IReadOnlyList<string> Versions = ["standard", "plus", "rand"];

    /// <summary>One member's line of the log: samples still robust after it (of all samples so far) and its seconds.</summary>
    public sealed record Stage(string Member, int Robust, double Seconds);

    private readonly List<Stage> _log = new();

    /// <summary>Samples seen and classified correctly, over all batches of the last run(s).</summary>
    public int Samples { get; private set; }
    public int CleanCorrect { get; private set; }

    /// <summary>Per member, in order: samples still robust after it, summed over batches, and its time.</summary>
    public IReadOnlyList<Stage> Log => _log;

    /// <summary>Called after each member on each batch with a line of progress (AutoAttack's log).</summary>
    public Action<string>? Progress { get; set; }

    protected override AttackOptions ResolveSpecific(AttackOptions o)
    {
        var eps = o.Epsilon ?? throw new InputException($"{Name} needs ε (--eps)");
        if (o.StepSize is not null) throw new InputException($"{Name} runs AutoAttack's own step sizes: --alpha does not apply");
        if (!o.RandomStart) throw new InputException($"{Name}'s APGD members always start from a random point: --no-random-start does not apply");
        if (o.Restarts != 1) throw new InputException($"{Name} runs AutoAttack's restarts (set by --version): --restarts does not apply");
        if (!Versions.Contains(o.Version)) throw new InputException($"unknown AutoAttack version '{o.Version}': expected one of {string.Join(", ", Versions)}");
        if (!o.EarlyStop) throw new InputException($"{Name} keeps the first adversarial image of each sample: --no-early-stop does not apply");
        return o with { Epsilon = eps, Steps = o.Steps ?? 100 };
    }

    protected override void CheckSpecific(Nn.Model model, AttackOptions o)
    {
        foreach (var (member, _) in Members(o)) member.Resolve(MemberOptions(o, member, 1));
        if (model.Spec.Classes < 4) throw new InputException($"{Name} needs at least 4 classes (APGD-T's DLR loss); the model has {model.Spec.Classes}");
    }

    protected override string Describe(AttackOptions o) => AttackOptions.Json(new Dictionary<string, object?>
    {
        ["eps"] = o.Epsilon, ["version"] = o.Version, ["steps"] = o.Steps, ["target_classes"] = o.TargetClasses,
        ["members"] = Members(o).Select(m => m.Member.Name + (m.Restarts > 1 ? $"x{m.Restarts}" : "")).ToArray(),
    });

    /// <summary>The members of a version, in AutoAttack's order, with their restarts.</summary>
    public IReadOnlyList<(AttackBase Member, int Restarts)> Members(AttackOptions o)
    {
        var list = new List<(AttackBase, int)>();
        AttackBase Apgd(ApgdLoss loss) => new Apgd(loss, L2);
        switch (o.Version)
        {
            case "standard":
                list.Add((Apgd(ApgdLoss.CrossEntropy), 1));
                list.Add((Apgd(ApgdLoss.TargetedDlr), 1));
                list.Add((new Fab(L2), 1));
                if (!L2) list.Add((new SquareAttack(), 1));
                break;
            case "plus":
                list.Add((Apgd(ApgdLoss.CrossEntropy), 5));
                list.Add((Apgd(ApgdLoss.Dlr), 5));
                list.Add((new Fab(L2, targeted: false), 5));
                if (!L2) list.Add((new SquareAttack(), 1));
                list.Add((Apgd(ApgdLoss.TargetedDlr), 1));
                list.Add((new Fab(L2), 1));
                break;
            case "rand":
                list.Add((Apgd(ApgdLoss.CrossEntropy), 1));
                list.Add((Apgd(ApgdLoss.Dlr), 1));
                break;
        }
        return list;
    }

    private static AttackOptions MemberOptions(AttackOptions o, AttackBase member, int restarts) => o with
    {
        Restarts = restarts,
        Steps = member is SquareAttack ? 50 * (o.Steps ?? 100) : o.Steps ?? 100,
        Target = TargetMode.None,
        TargetLabels = null,
    };

    internal override void Attack(AttackBatch b)
    {
        var o = b.Options;
        Samples += b.N;
        CleanCorrect += b.AttackedRows.Length;
        var members = Members(o);
        bool first = _log.Count == 0;
        var robust = b.AttackedRows.ToList();
        for (int m = 0; m < members.Count; m++)
        {
            var (member, restarts) = members[m];
            var clock = Stopwatch.StartNew();
            int fooled = 0;
            if (robust.Count > 0)
            {
                var mo = member.Resolve(MemberOptions(o, member, restarts));
                using var sub = b.Subset(robust.ToArray(), mo);
                member.Attack(sub);
                var pred = Predictions(b, sub.Adversarial, robust);
                var left = new List<int>();
                for (int a = 0; a < robust.Count; a++)
                {
                    int r = robust[a];
                    b.Steps[r] += sub.Steps[r];
                    b.Queries[r] += sub.Queries[r];
                    b.Gradients[r] += sub.Gradients[r];
                    if (pred[a] != b.Labels[r])
                    {
                        b.B.Copy(sub.Adversarial.Buffer, (long)r * b.ImageSize, b.Adversarial.Buffer, (long)r * b.ImageSize, b.ImageSize);
                        fooled++;
                    }
                    else left.Add(r);
                }
                robust = left;
            }
            double seconds = clock.Elapsed.TotalSeconds;
            string label = restarts > 1 ? $"{member.Name} ({restarts} restarts)" : member.Name;
            if (first) _log.Add(new Stage(label, 0, 0));
            var prev = _log[m];
            _log[m] = prev with { Robust = prev.Robust + robust.Count, Seconds = prev.Seconds + seconds };
            Progress?.Invoke($"{label}: {fooled} of {fooled + robust.Count} perturbed; robust {robust.Count} of {b.N} in this batch ({seconds:F1} s)");
        }
    }

    /// <summary>Predictions at the listed rows of images [n, ...] (one forward pass over just those rows).</summary>
    private static int[] Predictions(AttackBatch b, Tensor images, List<int> rows)
    {
        using var scope = new TensorScope();
        int d = b.ImageSize;
        var x = Tensor.Empty([rows.Count, b.C, b.H, b.W], b.Device);
        for (int a = 0; a < rows.Count; a++) b.B.Copy(images.Buffer, (long)rows[a] * d, x.Buffer, (long)a * d, d);
        return InputGradient.Predictions(InputGradient.Logits(b.Model, x));
    }
}
