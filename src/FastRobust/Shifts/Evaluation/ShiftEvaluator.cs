using FastRobust.Data;
using FastRobust.Nn;
using FastRobust.Shifts.Generation;
using FastRobust.Shifts.Released;
using FastRobust.Tables;
using FastRobust.Training;
using FastRobust.Util;

namespace FastRobust.Shifts.Evaluation;

/// <summary>
/// Evaluates models under distribution shift. Conditions come from <see cref="ShiftConditions"/>; each condition's
/// images are made (or read) once and every model is run on them, then dropped, so all 95 corruption sets never
/// sit in memory together. Returns tidy rows for <see cref="ToTable"/> and <see cref="CorruptionScores"/>.
/// </summary>
public static class ShiftEvaluator
{
    /// <summary>Rows per model (outer list in <paramref name="models"/> order), one per condition.</summary>
    public static List<ShiftEvaluation>[] Evaluate(IReadOnlyList<Model> models, IEnumerable<ShiftCondition> conditions, int batch,
        Action<ShiftCondition, IReadOnlyList<ShiftEvaluation>>? progress = null)
    {
        var results = models.Select(_ => new List<ShiftEvaluation>()).ToArray();
        foreach (var condition in conditions)
        {
            var data = condition.Load();
            var row = new List<ShiftEvaluation>();
            for (int m = 0; m < models.Count; m++)
            {
                var model = models[m];
                if (!model.Spec.Input.SequenceEqual(new[] { data.C, data.H, data.W }))
                    throw new InputException($"{condition}: images are [{data.C}, {data.H}, {data.W}], the model takes [{string.Join(", ", model.Spec.Input)}]");
                var (acc, loss) = BatchedInference.Evaluate(model, data.Images, data.Labels, batch);
                var e = new ShiftEvaluation(condition.Shift, condition.Corruption, condition.Severity, data.N, (long)Math.Round(acc * data.N), loss);
                results[m].Add(e);
                row.Add(e);
            }
            progress?.Invoke(condition, row);
        }
        return results;
    }

    public static List<ShiftEvaluation> Evaluate(Model model, IEnumerable<ShiftCondition> conditions, int batch) =>
        Evaluate([model], conditions, batch)[0];

    /// <summary>One row per evaluation: model, shift, corruption (null when none), severity (0 when none), n, correct, accuracy, loss.</summary>
    public static Table ToTable(string model, IReadOnlyList<ShiftEvaluation> rows) => new Table()
        .Add("model", rows.Select(_ => (string?)model).ToArray())
        .Add("shift", rows.Select(r => (string?)r.Shift).ToArray())
        .Add("corruption", rows.Select(r => r.Corruption.Length > 0 ? r.Corruption : null).ToArray())
        .Add("severity", rows.Select(r => (long)r.Severity).ToArray())
        .Add("n", rows.Select(r => (long)r.N).ToArray())
        .Add("correct", rows.Select(r => r.Correct).ToArray())
        .Add("accuracy", rows.Select(r => (double?)r.Accuracy).ToArray())
        .Add("loss", rows.Select(r => (double?)r.Loss).ToArray());
}

/// <summary>
/// The evaluation conditions a study or the evaluate verb can name: <c>clean</c>, <c>cifar10.1</c>,
/// <c>cifar10-c</c> (the released set, all its corruptions), <c>corruptions</c> (all 19 generated here from the
/// clean test set), <c>benchmark</c> (the 15 of mCE, generated), a corruption name (generated), any of those with
/// <c>:S</c> for one severity (<c>gaussian_noise:3</c>), or a path to a CIFAR-10-C-like folder.
/// </summary>
public static class ShiftConditions
{
    public static ShiftCondition Clean(Dataset clean) => new("clean", "", 0, () => clean);

    /// <summary>Corruptions generated from the clean set on <paramref name="backend"/>'s kernels where it has them, else on the host (the same images).</summary>
    public static IEnumerable<ShiftCondition> Generated(Dataset clean, IEnumerable<Corruption> corruptions, IEnumerable<int> severities, ulong seed,
        Tensors.Backend? backend = null)
    {
        var sev = severities.ToArray();
        foreach (var c in corruptions)
            foreach (int s in sev)
                yield return new ShiftCondition("generated", c.Name, s, () => Corruptions.Apply(c, s, clean, seed, backend));
    }

    public static IEnumerable<ShiftCondition> Released(CorruptedSet set, string shift, IEnumerable<Corruption>? corruptions, IEnumerable<int> severities, int classes, int? limit)
    {
        var sev = severities.Where(set.Severities.Contains).ToArray();
        foreach (var c in corruptions ?? set.Available)
        {
            if (!set.Available.Contains(c)) throw new InputException($"{set.Directory}: has no {c.Name}.npy");
            foreach (int s in sev)
                yield return new ShiftCondition(shift, c.Name, s, () => set.Load(c, s, classes, limit));
        }
    }

    /// <summary>Conditions for the tokens of --shift (or a study file), clean first, each once.</summary>
    public static List<ShiftCondition> Parse(IEnumerable<string> tokens, Dataset clean, int[] severities, ulong seed, int? limit,
        Tensors.Backend? backend = null)
    {
        var list = new List<ShiftCondition> { Clean(clean) };
        var seen = new HashSet<string> { "clean" };
        void Add(IEnumerable<ShiftCondition> cs)
        {
            foreach (var c in cs)
                if (seen.Add(c.ToString())) list.Add(c);
        }
        foreach (var raw in tokens.SelectMany(t => t.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)))
        {
            string token = raw;
            int[] sev = severities;
            int colon = token.LastIndexOf(':');
            if (colon > 0 && int.TryParse(token[(colon + 1)..], out int one))
            {
                sev = Corruptions.ParseSeverities(one.ToString());
                token = token[..colon];
            }
            string key = token.ToLowerInvariant();
            if (key == "clean") continue;
            if (key is "cifar10.1" or "cifar-10.1" or "cifar101")
            {
                RequireCifar(clean, token);
                if (seen.Add("cifar10.1")) list.Add(new ShiftCondition("cifar10.1", "", 0, () => Limit(ShiftData.LoadCifar101(), limit)));
            }
            else if (key is "cifar10-c" or "cifar-10-c" or "cifar10c")
            {
                RequireCifar(clean, token);
                var set = ShiftData.FindCifar10C();
                Add(Released(set, "cifar10-c", null, sev, clean.Classes, limit));
            }
            else if (key is "corruptions" or "all") Add(Generated(clean, Usable(Corruptions.All, clean), sev, seed, backend));
            else if (key == "benchmark") Add(Generated(clean, Usable(Corruptions.Benchmark, clean), sev, seed, backend));
            else if (Corruptions.TryGet(token, out var c)) Add(Generated(clean, Usable([c], clean), sev, seed, backend));
            else if (Directory.Exists(token))
            {
                var set = CorruptedSet.Open(token);
                Add(Released(set, Path.GetFileName(Path.TrimEndingDirectorySeparator(set.Directory)), null, sev, clean.Classes, limit));
            }
            else
                throw new InputException($"--shift '{raw}': expected cifar10-c, cifar10.1, corruptions, benchmark, a corruption ({string.Join(", ", Corruptions.Names)}), " +
                                         "any of those with :SEVERITY, or a CIFAR-10-C-like folder");
        }
        return list;
    }

    /// <summary>Drops corruptions a 1-channel set cannot take when the request was a group; a single one is an error.</summary>
    private static IEnumerable<Corruption> Usable(IReadOnlyList<Corruption> cs, Dataset clean)
    {
        if (clean.C == 3) return cs;
        if (cs.Count == 1 && !cs[0].SupportsGray) throw new InputException($"{cs[0].Name} is not defined for 1-channel images");
        return cs.Where(c => c.SupportsGray);
    }

    private static void RequireCifar(Dataset clean, string token)
    {
        if (clean.C != 3 || clean.H != 32 || clean.W != 32)
            throw new InputException($"--shift {token} is a CIFAR-10 shift, but the model's data is [{clean.C}, {clean.H}, {clean.W}]");
    }

    private static Dataset Limit(Dataset d, int? limit) => limit is int l ? d.Take(l) : d;
}
