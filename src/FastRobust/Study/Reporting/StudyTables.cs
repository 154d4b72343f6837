using System.Globalization;
using FastRobust.Tables;
using FastRobust.Util;

namespace FastRobust.Study.Reporting;

/// <summary>One row of the evaluations table, the columns the report reads.</summary>
public sealed record Evaluation(string Model, string Condition, string Kind, double? Level, double Accuracy, double? CleanAccuracy,
    IReadOnlyDictionary<string, double> Notions);

/// <summary>
/// A study directory's tables as the report reads them: every column by name, so columns added later are carried
/// through, and columns the report does not need may be absent (a study without measures, an older directory).
/// </summary>
public sealed class StudyTables
{
    /// <summary>The tables a study directory holds, in the order the exports list them.</summary>
    public static readonly string[] Names = ["models", "evaluations", "measures", "correlations", "samples"];

    public required string Directory { get; init; }
    public required Table Models { get; init; }
    public required Table Evaluations { get; init; }
    public required Table Measures { get; init; }
    public required Table Correlations { get; init; }
    /// <summary>Every table found, by name (samples only when the study wrote it).</summary>
    public required IReadOnlyDictionary<string, Table> All { get; init; }

    public required IReadOnlyList<string> ModelIds { get; init; }
    public required IReadOnlyList<Evaluation> Rows { get; init; }

    /// <summary>The robustness notions present in the evaluations table, in <see cref="ConditionResult.Notions"/> order.</summary>
    public required IReadOnlyList<string> Notions { get; init; }

    public static StudyTables Read(string dir)
    {
        if (!System.IO.Directory.Exists(dir)) throw new InputException($"{dir}: no such study directory");
        var all = new Dictionary<string, Table>();
        foreach (var name in Names)
        {
            string path = Path.Combine(dir, name + ".parquet");
            if (File.Exists(path)) all[name] = Table.Read(path);
        }
        foreach (var needed in new[] { "models", "evaluations" })
            if (!all.ContainsKey(needed)) throw new InputException($"{dir}: no {needed}.parquet (run a study into this directory first)");
        var models = all["models"];
        var evals = all["evaluations"];
        Require(models, "models", dir, "model");
        Require(evals, "evaluations", dir, "model", "condition", "kind", "level", "accuracy");
        var notions = ConditionResult.Notions.Where(evals.Has).ToList();

        var rows = new List<Evaluation>();
        var eModel = evals.Strings("model");
        var eCond = evals.Strings("condition");
        var eKind = evals.Strings("kind");
        var eLevel = evals.Doubles("level");
        var eAcc = evals.Doubles("accuracy");
        var eClean = evals.Has("clean_accuracy") ? evals.Doubles("clean_accuracy") : null;
        var notionValues = notions.ToDictionary(n => n, evals.Doubles);
        for (int i = 0; i < Math.Max(evals.Rows, 0); i++)
        {
            var nv = new Dictionary<string, double>();
            foreach (var n in notions)
                if (double.IsFinite(notionValues[n][i])) nv[n] = notionValues[n][i];
            rows.Add(new Evaluation(eModel[i] ?? "", eCond[i] ?? "", eKind[i] ?? "", double.IsNaN(eLevel[i]) ? null : eLevel[i], eAcc[i],
                eClean is null || double.IsNaN(eClean[i]) ? null : eClean[i], nv));
        }
        return new StudyTables
        {
            Directory = dir,
            Models = models,
            Evaluations = evals,
            Measures = all.GetValueOrDefault("measures") ?? Table.Empty,
            Correlations = all.GetValueOrDefault("correlations") ?? Table.Empty,
            All = all,
            ModelIds = models.Strings("model").Select(s => s ?? "").ToList(),
            Rows = rows,
            Notions = notions,
        };
    }

    private static void Require(Table t, string name, string dir, params string[] columns)
    {
        foreach (var c in columns)
            if (!t.Has(c)) throw new InputException($"{dir}/{name}.parquet: no column '{c}' (not a study table?)");
    }

    /// <summary>The value of a models-table cell as text (any column type; null as null).</summary>
    public string? ModelCell(string column, int model) => Cell(Models, column, model);

    public static string? Cell(Table t, string column, int row) => !t.Has(column) ? null : t.Column(column) switch
    {
        string?[] s => s[row],
        long[] l => l[row].ToString(CultureInfo.InvariantCulture),
        bool[] b => b[row] ? "true" : "false",
        double?[] d => d[row]?.ToString("G6", CultureInfo.InvariantCulture),
        _ => null,
    };

    /// <summary>A numeric models-table cell (a number stored as text parses too); NaN when absent.</summary>
    public double ModelNumber(string column, int model) =>
        !Models.Has(column) ? double.NaN : Models.Column(column) switch
        {
            string?[] s => double.TryParse(s[model], NumberStyles.Float, CultureInfo.InvariantCulture, out double v) ? v : double.NaN,
            _ => Models.Doubles(column)[model],
        };

    /// <summary>Model-level measure values: measure → model → value (finite values only).</summary>
    public Dictionary<string, Dictionary<string, double>> MeasureValues()
    {
        var result = new Dictionary<string, Dictionary<string, double>>();
        if (Measures.Rows <= 0 || !Measures.Has("measure") || !Measures.Has("value")) return result;
        var model = Measures.Strings("model");
        var name = Measures.Strings("measure");
        var value = Measures.Doubles("value");
        for (int i = 0; i < Measures.Rows; i++)
        {
            if (!double.IsFinite(value[i]) || name[i] is null || model[i] is null) continue;
            if (!result.TryGetValue(name[i]!, out var d)) result[name[i]!] = d = new Dictionary<string, double>();
            d[model[i]!] = value[i];
        }
        return result;
    }

    /// <summary>The distinct (condition, level) pairs of one kind, in the order the study lists them, levels ascending.</summary>
    public List<(string Condition, double Level)> Levels(string kind) =>
        Rows.Where(r => r.Kind == kind && r.Level is not null).Select(r => r.Condition).Distinct()
            .SelectMany(c => Rows.Where(r => r.Kind == kind && r.Condition == c && r.Level is not null).Select(r => r.Level!.Value).Distinct().Order()
                .Select(l => (c, l)))
            .ToList();

    /// <summary>The strongest predictors of each notion (<see cref="StudyReport.Strongest(string, int)"/>); none without a correlations table.</summary>
    public List<StudyReport.Row> Strongest(int top) =>
        File.Exists(Path.Combine(Directory, "correlations.parquet")) ? StudyReport.Strongest(Directory, top) : [];

    /// <summary>The row of a model under a condition and level, if the study has it.</summary>
    public Evaluation? Find(string model, string condition, double? level) =>
        Rows.FirstOrDefault(r => r.Model == model && r.Condition == condition && r.Level == level);

    /// <summary>A level as people write it: 0.1, 0.0314 (8/255).</summary>
    public static string LevelText(double level)
    {
        string text = level.ToString("G3", CultureInfo.InvariantCulture);
        double n = Math.Round(level * 255);
        bool decimalRound = Math.Abs(level - Math.Round(level, 2)) < 1e-9;
        if (!decimalRound && n >= 1 && n <= 64 && Math.Abs(level * 255 - n) < 1e-3) text += $" ({n}/255)";
        return text;
    }
}
