using System.Globalization;
using System.Text;
using FastRobust.Util;

namespace FastRobust.Study;

/// <summary>
/// How far a study has come, read from its directories alone (so it works while Slurm runs the shards, and after):
/// per shard, how many of its models are done, running, failed or left. A study directory made by `study --slurm`
/// has its shards in DIR/shards/1..N; any other study or shard directory is one row.
/// </summary>
public sealed class StudyStatus
{
    public sealed record Row(string Name, string Directory, int Models, int Done, int Running, int Failed, int Left, string? Assignment);

    public required string StudyName { get; init; }
    public required string Directory { get; init; }
    public required int Models { get; init; }
    public required IReadOnlyList<Row> Shards { get; init; }
    /// <summary>Models whose finished folders are in DIR itself (merged, or run unsharded).</summary>
    public required int InDirectory { get; init; }
    public required bool HasTables { get; init; }
    /// <summary>The longest shard's estimated work over the mean, when the directory has several shards.</summary>
    public double? MaxOverMean { get; init; }

    public static StudyStatus Read(string dir)
    {
        string root = Path.GetFullPath(dir);
        if (!File.Exists(Path.Combine(root, "study.json")))
            throw new InputException($"{dir}: not a study directory (no study.json)");
        var study = StudyFile.Parse(File.ReadAllText(Path.Combine(root, "study.json")), Path.Combine(dir, "study.json"));
        var units = StudyPlan.Expand(study);
        var byId = units.ToDictionary(u => u.Id);
        var self = new StudyDirectory(root);
        var rows = new List<Row>();
        double? maxOverMean = null;
        string shardsDir = Path.Combine(root, "shards");
        if (System.IO.Directory.Exists(shardsDir))
        {
            var shardDirs = System.IO.Directory.GetDirectories(shardsDir)
                .Where(d => int.TryParse(Path.GetFileName(d), NumberStyles.None, CultureInfo.InvariantCulture, out _))
                .OrderBy(d => int.Parse(Path.GetFileName(d), CultureInfo.InvariantCulture)).ToList();
            var lists = new List<List<int>>();
            foreach (var d in shardDirs)
            {
                var record = ShardRecord.Read(d);
                // a lone shard (1/1) runs every model and records nothing
                var mine = record is not null ? record.Units.Where(byId.ContainsKey).Select(id => byId[id]).ToList() : shardDirs.Count == 1 ? units : [];
                rows.Add(Count(record?.Shard ?? Path.GetFileName(d), new StudyDirectory(d), mine, record?.Assignment));
                lists.Add(mine.Select(u => u.Index).ToList());
            }
            if (lists.Count > 1 && lists.All(l => l.Count > 0))
                maxOverMean = ShardBalance.FromUnits(lists, UnitCost.Estimate(study, units)).MaxOverMean;
        }
        else
        {
            var record = ShardRecord.Read(root);
            var mine = record is null ? units : record.Units.Where(byId.ContainsKey).Select(id => byId[id]).ToList();
            rows.Add(Count(record?.Shard ?? "all", self, mine, record?.Assignment));
        }
        return new StudyStatus
        {
            StudyName = study.Name, Directory = root, Models = units.Count, Shards = rows,
            InDirectory = units.Count(self.IsDone), HasTables = File.Exists(self.TablePath("correlations")), MaxOverMean = maxOverMean,
        };
    }

    private static Row Count(string name, StudyDirectory dir, IReadOnlyList<WorkUnit> units, string? assignment)
    {
        var states = units.Select(u => UnitState.Read(dir, u)).ToList();
        return new Row(name, dir.Root, units.Count, states.Count(s => s == UnitStatus.Done), states.Count(s => s == UnitStatus.Running),
                       states.Count(s => s == UnitStatus.Failed), states.Count(s => s == UnitStatus.Left), assignment);
    }

    public string Format()
    {
        var b = new StringBuilder();
        b.Append($"study '{StudyName}' in {Directory}: {Models} models");
        if (Shards.Count > 1 || Shards[0].Name != "all") b.Append($" in {Shards.Count} shard(s)");
        if (Shards.Select(s => s.Assignment).FirstOrDefault(a => a != null) is { } a) b.Append($", {a} assignment");
        if (MaxOverMean is { } m) b.Append(CultureInfo.InvariantCulture, $" (estimated work of the longest shard / mean: {m:F3})");
        b.Append('\n');
        b.Append($"{"shard",-8} {"models",7} {"done",7} {"running",8} {"failed",7} {"left",7}\n");
        foreach (var r in Shards) b.Append($"{r.Name,-8} {r.Models,7} {r.Done,7} {r.Running,8} {r.Failed,7} {r.Left,7}\n");
        if (Shards.Count > 1)
            b.Append($"{"total",-8} {Shards.Sum(r => r.Models),7} {Shards.Sum(r => r.Done),7} {Shards.Sum(r => r.Running),8} {Shards.Sum(r => r.Failed),7} {Shards.Sum(r => r.Left),7}\n");
        if (Shards.Count > 1 || Shards[0].Directory != Directory)
            b.Append($"merged into {Directory}: {InDirectory} of {Models} models{(HasTables ? ", tables built" : ", no tables yet")}\n");
        else b.Append(HasTables ? "tables built\n" : "no tables yet\n");
        foreach (var r in Shards.Where(r => r.Failed > 0))
            b.Append($"shard {r.Name}: {r.Failed} failed; the error is in {Path.Combine(r.Directory, "units")}/*/{UnitState.FailedFile}\n");
        return b.ToString();
    }
}
