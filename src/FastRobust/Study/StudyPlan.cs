using System.Text;

namespace FastRobust.Study;

/// <summary>Expands a study file into its work units, in a fixed order (entries, grid points, seeds).</summary>
public static class StudyPlan
{
    /// <summary>Training settings every unit starts from, before the study's "training" block and the unit's grid.</summary>
    public static readonly IReadOnlyDictionary<string, string> DefaultTraining = new Dictionary<string, string>
    {
        ["epochs"] = "1", ["batch"] = "128", ["optimizer"] = "sgd", ["lr"] = "0.01", ["momentum"] = "0.9", ["weight_decay"] = "0",
        ["nesterov"] = "false", ["schedule"] = "constant", ["augment"] = "auto", ["label_smoothing"] = "0",
    };

    public static List<WorkUnit> Expand(StudyFile study)
    {
        var units = new List<WorkUnit>();
        var ids = new HashSet<string>();
        foreach (var entry in study.Models)
        {
            var axes = entry.Grid.Select(g => ("f:" + g.Key, g.Values)).Concat(entry.TrainingGrid.Select(g => ("t:" + g.Key, g.Values))).ToList();
            foreach (var point in Product(axes))
            foreach (ulong seed in study.Seeds)
            {
                var training = new Dictionary<string, string>(DefaultTraining);
                foreach (var (k, v) in study.Training) training[k] = v;
                var hp = new Dictionary<string, string>();
                var familyArgs = new List<string>();
                var idParts = new List<string>();
                foreach (var (axis, value) in point)
                {
                    string key = axis[2..];
                    if (axis.StartsWith("f:", StringComparison.Ordinal)) familyArgs.Add($"{key}={value}");
                    else training[key] = value;
                    hp[key] = value;
                    idParts.Add($"{key}={value}");
                }
                foreach (var (k, v) in training) hp.TryAdd(k, v);
                string baseId = entry.Name ?? (entry.Family ?? Path.GetFileNameWithoutExtension(entry.Spec!));
                string id;
                if (entry.Family == null)
                {
                    // a loaded model keeps its given name (its file's name when it has none); with several seeds each
                    // seed's unit adds _seed=S. A name that is not a folder name or repeats another is refused.
                    if (Sanitize(baseId) != baseId)
                        throw new Util.InputException($"model name '{baseId}' may hold only letters, digits and . _ = - (it names the model's folder)");
                    id = study.Seeds.Length == 1 ? baseId : $"{baseId}_seed={seed}";
                    if (!ids.Add(id))
                        throw new Util.InputException($"two models are named '{id}': give each loaded model a unique 'name'");
                }
                else
                {
                    id = Sanitize(string.Join("_", new[] { baseId }.Concat(idParts).Append($"seed={seed}")));
                    for (int dup = 2; !ids.Add(id); dup++) id = Sanitize($"{baseId}_{dup}_" + string.Join("_", idParts) + $"_seed={seed}");
                }
                units.Add(new WorkUnit
                {
                    Id = id,
                    Index = units.Count,
                    Source = entry.Family != null ? "trained" : "loaded",
                    Family = entry.Family ?? "file",
                    FamilyArgs = entry.Family == null ? null : familyArgs.Count == 0 ? entry.Family : $"{entry.Family}:{string.Join(",", familyArgs)}",
                    Spec = entry.Spec,
                    Weights = entry.Weights,
                    Seed = seed,
                    Training = training,
                    Hyperparameters = hp,
                });
            }
        }
        return units;
    }

    /// <summary>Every combination of the axes' values, the last axis varying fastest.</summary>
    private static IEnumerable<List<(string Axis, string Value)>> Product(List<(string Axis, string[] Values)> axes)
    {
        IEnumerable<List<(string, string)>> acc = [[]];
        foreach (var (axis, values) in axes)
            acc = acc.SelectMany(prefix => values.Select(v => new List<(string, string)>(prefix) { (axis, v) })).ToList();
        return acc;
    }

    /// <summary>Folder-safe id: letters, digits and . _ = - kept, anything else becomes '-'.</summary>
    /// <summary>
    /// A name fit for one path component: letters, digits and . _ = - only, and no leading dot (so never "." or
    /// "..", which would name the directory itself or its parent, nor a hidden file).
    /// </summary>
    public static string Sanitize(string s)
    {
        var b = new StringBuilder(s.Length);
        foreach (char c in s) b.Append(char.IsAsciiLetterOrDigit(c) || c is '.' or '_' or '=' or '-' ? c : '-');
        if (b.Length == 0 || b[0] == '.') b.Insert(0, '_');
        return b.ToString();
    }
}
