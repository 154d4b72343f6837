namespace FastRobust.Study.Reporting;

/// <summary>A line or a set of markers in a figure: one model, or the mean of a group of models.</summary>
public sealed record Series(string Label, IReadOnlyList<string> Models);

/// <summary>
/// Short names for a zoo's models and the series a figure draws. A model is named by the settings that vary across
/// the zoo ("depth=2, width=32"), not by its long id. Up to <see cref="MaxSeries"/> models each get a line; a larger
/// zoo is drawn as the mean of each group of models that share the value of one varying setting, so a legend stays
/// readable.
/// </summary>
public static class ModelSeries
{
    public const int MaxSeries = 10;

    /// <summary>The models-table columns that name a model's settings: the hyperparameters, robust training and seed.</summary>
    private static IEnumerable<string> SettingColumns(StudyTables t) =>
        // a hyperparameter with a typed twin (hp_train_eps and train_eps) is named once, by the twin
        new[] { "family" }.Concat(t.Models.ColumnNames.Where(c => c.StartsWith("hp_", StringComparison.Ordinal) && !t.Models.Has(c[3..])))
            .Concat(["adversarial", "train_eps", "noise_sigma", "seed"]).Where(t.Models.Has).Distinct();

    /// <summary>The settings whose value differs between models, with each model's value.</summary>
    public static List<(string Name, string?[] Values)> Varying(StudyTables t)
    {
        var result = new List<(string, string?[])>();
        foreach (var column in SettingColumns(t))
        {
            var values = Enumerable.Range(0, t.ModelIds.Count).Select(i => t.ModelCell(column, i)).ToArray();
            if (values.Distinct().Count() > 1) result.Add((ShortName(column), values));
        }
        // a hyperparameter column and its typed robust-training twin say the same thing once
        return result.GroupBy(r => string.Join("\u0001", r.Item2)).Select(g => g.First()).ToList();
    }

    /// <summary>A setting's name in a label: hp_ dropped, the robust-training columns shortened.</summary>
    private static string ShortName(string column) => column switch
    {
        "adversarial" => "adv",
        "train_eps" => "train ε",
        "noise_sigma" => "train σ",
        _ => column.StartsWith("hp_", StringComparison.Ordinal) ? column[3..] : column,
    };

    /// <summary>Each model's short label, unique within the study.</summary>
    public static Dictionary<string, string> Labels(StudyTables t)
    {
        var varying = Varying(t);
        var labels = new Dictionary<string, string>();
        var used = new HashSet<string>();
        for (int i = 0; i < t.ModelIds.Count; i++)
        {
            string label = varying.Count == 0 ? t.ModelIds[i] : string.Join(", ", varying.Select(v => $"{v.Name}={v.Values[i] ?? "—"}"));
            if (label.Length > 60 || !used.Add(label)) label = t.ModelIds[i];
            used.Add(label);
            labels[t.ModelIds[i]] = label;
        }
        return labels;
    }

    /// <summary>
    /// The series of a figure over <paramref name="models"/>: one per model when there are few, else one per value
    /// of the varying setting with the fewest distinct values (at least two), each the mean of its models.
    /// </summary>
    public static List<Series> Of(StudyTables t, IReadOnlyList<string> models)
    {
        var labels = Labels(t);
        if (models.Count <= MaxSeries) return models.Select(m => new Series(labels[m], [m])).ToList();
        var index = t.ModelIds.Select((id, i) => (id, i)).ToDictionary(x => x.id, x => x.i);
        var best = Varying(t)
            .Select(v => (v.Name, v.Values, Groups: models.Select(m => v.Values[index[m]]).Distinct().Count()))
            .Where(v => v.Groups >= 2 && v.Groups <= MaxSeries)
            .OrderBy(v => v.Groups).FirstOrDefault();
        if (best.Name is null) return [new Series($"mean of {models.Count} models", models.ToList())];
        return models.GroupBy(m => best.Values[index[m]])
            .Select(g => new Series($"{best.Name}={g.Key ?? "—"} (mean of {g.Count()})", g.ToList()))
            .ToList();
    }
}
