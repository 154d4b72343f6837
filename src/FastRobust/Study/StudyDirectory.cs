using FastRobust.Tables;
using FastRobust.Util;

namespace FastRobust.Study;

/// <summary>
/// The on-disk layout of a study: DIR/study.json (the study as run), DIR/units/ID/ (a unit's model files, its table
/// parts, unit.json with its definition, and done.json written last — a unit without it is unfinished and is redone),
/// and the combined tables DIR/*.parquet rebuilt from the finished units.
/// </summary>
public sealed class StudyDirectory(string root)
{
    public static readonly string[] TableNames = ["models", "evaluations", "measures", "samples", "correlations"];

    public string Root { get; } = Path.GetFullPath(root);
    public string StudyJson => Path.Combine(Root, "study.json");
    public string UnitsDir => Path.Combine(Root, "units");
    public string UnitDir(string id) => Path.Combine(UnitsDir, id);
    public string TablePath(string name) => Path.Combine(Root, name + ".parquet");

    /// <summary>
    /// Creates the directory for this study, or checks that an existing one holds the same study. A different study
    /// is refused unless forced; forcing keeps the finished units whose definition is unchanged.
    /// </summary>
    public void Open(StudyFile study, bool force)
    {
        Directory.CreateDirectory(UnitsDir);
        // what a killed run left half-written (its process gone) goes now
        AtomicFile.CleanStale(Root);
        if (File.Exists(StudyJson))
        {
            string existing = File.ReadAllText(StudyJson).Trim();
            if (existing != study.Canonical && !force)
                throw new InputException($"{Root} holds a different study (its study.json differs from this study file); " +
                                         "use another --out, or --force to rerun it with this file (finished units that did not change are kept)");
        }
        AtomicFile.WriteAllText(StudyJson, study.Canonical + "\n");
    }

    /// <summary>True when the unit finished with exactly this definition.</summary>
    public bool IsDone(WorkUnit unit)
    {
        string dir = UnitDir(unit.Id);
        return File.Exists(Path.Combine(dir, "done.json")) && File.Exists(Path.Combine(dir, "unit.json"))
            && File.ReadAllText(Path.Combine(dir, "unit.json")).Trim() == unit.Definition;
    }

    /// <summary>An empty folder for a unit about to run (whatever an interrupted attempt left is removed).</summary>
    public string Prepare(WorkUnit unit)
    {
        string dir = UnitDir(unit.Id);
        if (Directory.Exists(dir)) Directory.Delete(dir, recursive: true);
        Directory.CreateDirectory(dir);
        AtomicFile.WriteAllText(Path.Combine(dir, "unit.json"), unit.Definition + "\n");
        return dir;
    }

    /// <summary>Writes a unit's table parts, then done.json: the unit counts as finished only once all are on disk.</summary>
    public void Commit(WorkUnit unit, UnitTables tables, TimeSpan elapsed)
    {
        string dir = UnitDir(unit.Id);
        tables.Models.Write(Path.Combine(dir, "models.parquet"));
        tables.Evaluations.Write(Path.Combine(dir, "evaluations.parquet"));
        if (tables.Measures.Rows > 0) tables.Measures.Write(Path.Combine(dir, "measures.parquet"));
        if (tables.Samples.Rows > 0) tables.Samples.Write(Path.Combine(dir, "samples.parquet"));
        AtomicFile.WriteAllText(Path.Combine(dir, "done.json"),
            $"{{\"unit\": \"{unit.Id}\", \"seconds\": {elapsed.TotalSeconds.ToString("F3", System.Globalization.CultureInfo.InvariantCulture)}}}\n");
    }

    /// <summary>
    /// Rebuilds the combined tables from the finished units of <paramref name="units"/> (in unit order) and the
    /// correlations across them. Returns how many units went in.
    /// </summary>
    public int BuildTables(IReadOnlyList<WorkUnit> units)
    {
        var done = units.Where(IsDone).OrderBy(u => u.Index).ToList();
        Table Part(string name) => Table.Concat(done
            .Select(u => Path.Combine(UnitDir(u.Id), name + ".parquet"))
            .Where(File.Exists).Select(Table.Read).ToList());
        var models = Part("models");
        var evaluations = Part("evaluations");
        var measures = Part("measures");
        var samples = Part("samples");
        if (models.Rows > 0) models.Write(TablePath("models"));
        if (evaluations.Rows > 0) evaluations.Write(TablePath("evaluations"));
        if (measures.Rows > 0) measures.Write(TablePath("measures"));
        if (samples.Rows > 0) samples.Write(TablePath("samples"));
        Correlations.Compute(models, evaluations, measures).Write(TablePath("correlations"));
        return done.Count;
    }
}
