using System.Text.Json;
using FastRobust.Util;

namespace FastRobust.Study;

/// <summary>
/// DIR/shard.json of a shard directory: which shard it is, how units were assigned to shards, and the ids of its
/// units. Written when the shard directory is first used and read on every later run, so a resumed (or requeued)
/// shard runs exactly the units it started with, and `study DIR --status` knows what each shard owes.
/// </summary>
public sealed record ShardRecord(string Shard, string Assignment, string[] Units)
{
    public const string Balanced = "balanced", RoundRobin = "round-robin";
    public static readonly string[] Assignments = [Balanced, RoundRobin];

    private static readonly JsonSerializerOptions Json = new() { WriteIndented = true, PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower };

    public static string PathIn(string dir) => Path.Combine(dir, "shard.json");

    public static ShardRecord? Read(string dir)
    {
        string path = PathIn(dir);
        if (!File.Exists(path)) return null;
        try
        {
            var r = JsonSerializer.Deserialize<ShardRecord>(File.ReadAllText(path), Json);
            if (r is null || r.Units is null || !Assignments.Contains(r.Assignment)) throw new JsonException("missing fields");
            return r;
        }
        catch (JsonException e) { throw new InputException($"{path}: not a shard record ({e.Message}); delete it to let the shard be assigned again"); }
    }

    public void Write(string dir) => AtomicFile.WriteAllText(PathIn(dir), JsonSerializer.Serialize(this, Json) + "\n");

    /// <summary>
    /// The units shard <paramref name="shard"/> runs in <paramref name="dir"/>: those its shard.json records; else, for
    /// a directory that already holds units but no record (sharded before assignments were recorded), round-robin;
    /// else <paramref name="assignment"/> (balanced when null). The choice is written to shard.json.
    /// A single "shard" (1/1) runs every unit and records nothing.
    /// </summary>
    public static List<WorkUnit> Resolve(string dir, StudyFile study, IReadOnlyList<WorkUnit> units, Shard shard, string? assignment)
    {
        if (shard.Count == 1) return units.ToList();
        if (assignment != null && !Assignments.Contains(assignment))
            throw new InputException($"shard assignment must be {string.Join(" or ", Assignments)}, got '{assignment}'");
        var record = Read(dir);
        if (record != null)
        {
            if (record.Shard != shard.ToString())
                throw new InputException($"{dir} holds shard {record.Shard} of this study, not {shard}; run it with --shard {record.Shard} or use another --out");
            if (assignment != null && assignment != record.Assignment)
                throw new InputException($"{dir} was assigned {record.Assignment}, not {assignment}; drop the option or use another --out");
            var byId = units.ToDictionary(u => u.Id);
            if (record.Units.All(byId.ContainsKey))
                return record.Units.Select(id => byId[id]).OrderBy(u => u.Index).ToList();
            // the study changed (--force): assign again, the same way
            assignment = record.Assignment;
        }
        else if (assignment == null)
        {
            string unitsDir = Path.Combine(dir, "units");
            bool legacy = Directory.Exists(unitsDir) && Directory.EnumerateDirectories(unitsDir).Any();
            assignment = legacy ? RoundRobin : Balanced;
        }
        var balance = Plan(study, units, shard.Count, assignment);
        var mine = balance.Units[shard.Index - 1].Select(i => units[i]).ToList();
        new ShardRecord(shard.ToString(), assignment, mine.Select(u => u.Id).ToArray()).Write(dir);
        return mine;
    }

    /// <summary>The assignment of every unit to <paramref name="shards"/> shards by the named method.</summary>
    public static ShardBalance Plan(StudyFile study, IReadOnlyList<WorkUnit> units, int shards, string assignment)
    {
        var costs = UnitCost.Estimate(study, units);
        return assignment == RoundRobin ? ShardBalance.RoundRobin(costs, shards) : ShardBalance.Assign(costs, shards);
    }
}
