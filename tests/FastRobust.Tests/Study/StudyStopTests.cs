using FastRobust.Study;
using FastRobust.Tensors;
using Xunit;

namespace FastRobust.Tests.StudyTests;

/// <summary>
/// A requested stop ends a study between units (the finished ones kept, the rest left for a resumed run), and the
/// status read from the directory tells done, running, failed and left models apart.
/// </summary>
public sealed class StudyStopTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("fr-stop-").FullName;

    public void Dispose()
    {
        try { Directory.Delete(_dir, true); } catch (IOException) { }
    }

    private const string Tiny = """
        { "name": "stop", "dataset": "mnist", "train_images": 128, "test_images": 64, "attack_images": 16, "measure_images": 32,
          "training": { "epochs": 1, "batch": 64 },
          "models": [ { "family": "custom-cnn", "grid": { "depth": [1], "width": [2, 3, 4], "hidden": [4] } } ],
          "conditions": [ { "type": "clean" } ], "measures": ["norms"] }
        """;

    /// <summary>Requests the stop as soon as the first unit has finished, as a signal arriving then would.</summary>
    private sealed class StopAfterFirst(StudyStop stop) : IStudyProgress
    {
        public void StudyStarted(int units, int alreadyDone) { }
        public void UnitStarted(WorkUnit unit, int stages) { }
        public void Stage(string name) { }
        public void StageProgress(double fraction) { }
        public void UnitFinished(WorkUnit unit, TimeSpan elapsed, bool skipped) { if (!skipped) stop.Request("test"); }
        public void Message(string line) { }
    }

    [Fact]
    public void AStopEndsTheRunBetweenUnitsAndAResumedRunFinishesIt()
    {
        var study = StudyFile.Parse(Tiny, "stop");
        string dir = Path.Combine(_dir, "s");
        using var stop = StudyStop.Manual();
        var stopped = StudyRunner.Run(study, "stop", dir, Shard.All, false, Device.Cpu, new StopAfterFirst(stop), stop: stop);
        Assert.True(stopped.Stopped);
        Assert.Equal(1, stopped.Ran);
        Assert.False(File.Exists(Path.Combine(dir, "models.parquet")), "a stopped run rebuilt the tables");
        var status = StudyStatus.Read(dir);
        Assert.Equal((3, 1, 0, 0, 2), (status.Shards[0].Models, status.Shards[0].Done, status.Shards[0].Running, status.Shards[0].Failed, status.Shards[0].Left));

        var resumed = StudyRunner.Run(study, "stop", dir, Shard.All, false, Device.Cpu, new SilentStudyProgress());
        Assert.False(resumed.Stopped);
        Assert.Equal((2, 1, 3), (resumed.Ran, resumed.Skipped, resumed.InTables));
        Assert.Equal(3, StudyStatus.Read(dir).Shards[0].Done);
    }

    [Fact]
    public void TheStatusTellsRunningFailedAndLeftModelsApart()
    {
        var study = StudyFile.Parse(Tiny, "stop");
        var units = StudyPlan.Expand(study);
        var dir = new StudyDirectory(Path.Combine(_dir, "st"));
        dir.Open(study, force: false);
        // unit 0: begun by a process of another host (running, as far as this host can tell)
        string u0 = dir.Prepare(units[0]);
        File.WriteAllText(Path.Combine(u0, UnitState.RunningFile), """{"host": "some-other-node", "pid": 1}""");
        // unit 1: begun by a process of this host that no longer exists (killed: left)
        string u1 = dir.Prepare(units[1]);
        File.WriteAllText(Path.Combine(u1, UnitState.RunningFile), $$"""{"host": "{{Environment.MachineName}}", "pid": {{int.MaxValue}}}""");
        // unit 2: threw
        string u2 = dir.Prepare(units[2]);
        UnitState.MarkRunning(u2);
        UnitState.MarkFailed(u2, new InvalidOperationException("out of memory"));
        Assert.Equal(UnitStatus.Running, UnitState.Read(dir, units[0]));
        Assert.Equal(UnitStatus.Left, UnitState.Read(dir, units[1]));
        Assert.Equal(UnitStatus.Failed, UnitState.Read(dir, units[2]));
        // this process itself is alive: a unit it marks is running
        UnitState.MarkRunning(u1);
        Assert.Equal(UnitStatus.Running, UnitState.Read(dir, units[1]));
        UnitState.MarkAbandoned(u1);
        Assert.Equal(UnitStatus.Left, UnitState.Read(dir, units[1]));
        string text = StudyStatus.Read(dir.Root).Format();
        Assert.Contains("1 failed", text);
    }
}
