using System.Diagnostics;
using FastRobust.Data;
using FastRobust.Nn;
using FastRobust.Tensors;
using FastRobust.Util;

namespace FastRobust.Study;

/// <summary>Which part of a study this process runs, as in --shard I/N (1-based); <see cref="ShardRecord"/> says which units that is.</summary>
public readonly record struct Shard(int Index, int Count)
{
    public static readonly Shard All = new(1, 1);

    public static Shard Parse(string text)
    {
        var parts = text.Split('/');
        if (parts.Length == 2 && int.TryParse(parts[0], out int i) && int.TryParse(parts[1], out int n) && n >= 1 && i >= 1 && i <= n)
            return new Shard(i, n);
        throw new InputException($"--shard must be I/N with 1 ≤ I ≤ N, got '{text}'");
    }

    public override string ToString() => $"{Index}/{Count}";
}

/// <summary>Runs a study: validates everything first, then each unit of this shard that is not finished, then the tables.</summary>
public static class StudyRunner
{
    /// <summary>What a run did. Stopped: a stop signal ended it with units of this shard left (tables not rebuilt).</summary>
    public sealed record Outcome(string Directory, int Units, int Ran, int Skipped, int InTables, bool Stopped = false);

    /// <param name="assignment">How a new shard directory is assigned its units (<see cref="ShardRecord"/>); null: balanced.</param>
    /// <param name="stop">When given, a requested stop ends the run between units (<see cref="StudyStop"/>).</param>
    public static Outcome Run(StudyFile study, string source, string outDir, Shard shard, bool force, Device? device, IStudyProgress progress,
                              string? assignment = null, StudyStop? stop = null)
    {
        // the data set first: per-data-set levels and settings resolve against it before anything is checked
        study = study.ForDataset(ResolveDataset(study), source);
        var units = StudyPlan.Expand(study);
        Validate(study, units, source);
        var dev = device ?? Device.Parse(study.Device);
        var data = LoadData(study);
        progress.Message($"study '{study.Name}': {units.Count} models on {data.Name} ({data.Train.N} training, {data.Test.N} test, " +
                         $"{data.AttackSet.N} attacked, {data.MeasureSet.N} measured images), device {dev.Name}" +
                         (shard.Count > 1 ? $", shard {shard}" : ""));
        var dir = new StudyDirectory(outDir);
        dir.Open(study, force);
        var mine = ShardRecord.Resolve(dir.Root, study, units, shard, assignment);
        if (shard.Count > 1) progress.Message($"shard {shard}: {mine.Count} of {units.Count} models ({ShardRecord.Read(dir.Root)!.Assignment} assignment)");
        int already = mine.Count(dir.IsDone);
        progress.StudyStarted(mine.Count, already);
        int ran = 0;
        foreach (var unit in mine)
        {
            if (dir.IsDone(unit))
            {
                progress.UnitFinished(unit, TimeSpan.Zero, skipped: true);
                continue;
            }
            if (stop?.Requested == true)
                return new Outcome(dir.Root, mine.Count, ran, mine.Count(dir.IsDone) - ran, 0, Stopped: true);
            var sw = Stopwatch.StartNew();
            progress.UnitStarted(unit, 2 + (study.Measures.Length > 0 ? 1 : 0));
            string unitDir = dir.Prepare(unit);
            UnitState.MarkRunning(unitDir);
            if (stop != null) stop.Abandon = () => UnitState.MarkAbandoned(unitDir);
            stop?.UnitStarted();
            UnitTables tables;
            try { tables = UnitRunner.Run(unit, study, data, dev, unitDir, progress); }
            catch (Exception e)
            {
                UnitState.MarkFailed(unitDir, e);
                throw;
            }
            dir.Commit(unit, tables, sw.Elapsed);
            stop?.UnitEnded();
            ran++;
            progress.UnitFinished(unit, sw.Elapsed, skipped: false);
        }
        int inTables = dir.BuildTables(units);
        return new Outcome(dir.Root, mine.Count, ran, mine.Count - ran, inTables);
    }

    /// <summary>Everything that can be checked before any work: training settings, conditions, measure settings, model files.</summary>
    public static void Validate(StudyFile study, IReadOnlyList<WorkUnit> units, string source)
    {
        foreach (var u in units)
        {
            UnitRunner.ValidateTraining(u, source);
            if (System.Text.Encoding.UTF8.GetByteCount(u.Id) > 200)
                throw new InputException($"{source}: model id '{u.Id[..40]}…' is longer than a directory name may be (shorten the grid's values or give the entry a 'name')");
            if (u.FamilyArgs != null)
            {
                // the architecture as the run builds it (input size aside): an unknown grid key or a bad value fails here
                try { ModelFamilies.Build(u.FamilyArgs, [3, 32, 32], 10, [0.5f, 0.5f, 0.5f], [0.5f, 0.5f, 0.5f]); }
                catch (InputException e) { throw new InputException($"{source}: model {u.Id}: {e.Message}"); }
            }
            if (u.Source == "loaded")
            {
                try { ModelSpec.Load(u.Spec!); }
                catch (InputException e) { throw new InputException($"{source}: model {u.Id}: {e.Message}"); }
                if (!File.Exists(u.Weights)) throw new InputException($"{source}: weights file {u.Weights} not found");
            }
        }
        // per-data-set levels and settings: checked for each data set the study may run on
        string[] candidates = study.Dataset == "auto" ? ["cifar10", "mnist"] : [study.Dataset];
        var resolved = candidates.Select(d => { try { return study.ForDataset(d, source); } catch (InputException) { return null; } })
            .Where(s => s != null).ToList();
        if (resolved.Count == 0) study.ForDataset(candidates[0], source); // throws, naming the condition
        foreach (var s in resolved) ConditionEvaluator.Validate(s!, source);
        // each setting alone first, so a bad one is named; then all together (a bracket's two ends)
        foreach (var (key, value) in study.MeasureSettings)
        {
            try { UnitRunner.MeasureOptions(study with { MeasureSettings = new Dictionary<string, string> { [key] = value } }, 0).Validate(); }
            catch (InputException e) { throw new InputException($"{source}: measure_settings.{key}: {e.Message}"); }
        }
        try { UnitRunner.MeasureOptions(study, 0).Validate(); }
        catch (InputException e) { throw new InputException($"{source}: measure_settings: {e.Message}"); }
    }

    /// <summary>The data set a study runs on: its own, or for "auto" CIFAR-10 when found, else the bundled MNIST.</summary>
    public static string ResolveDataset(StudyFile study)
    {
        if (study.Dataset != "auto") return study.Dataset;
        try { DataLocator.Find("cifar10", "test"); return "cifar10"; }
        catch (InputException) { return "mnist"; }
    }

    public static StudyData LoadData(StudyFile study)
    {
        string name = ResolveDataset(study);
        var train = DataLocator.Load(name, "train");
        var test = DataLocator.Load(name, "test");
        if (study.TrainImages > 0) train = train.Take(Math.Min(study.TrainImages, train.N));
        if (study.TestImages > 0) test = test.Take(Math.Min(study.TestImages, test.N));
        var attack = test.Take(Math.Min(Math.Max(1, study.AttackImages), test.N));
        var measure = train.Take(Math.Min(study.MeasureImages, train.N));
        return new StudyData(name, train, test, attack, measure, study.Seeds[0]);
    }
}
