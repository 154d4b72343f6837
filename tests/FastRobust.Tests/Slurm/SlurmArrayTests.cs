using System.Diagnostics;
using System.Text.Json;
using FastRobust.Study;
using FastRobust.Tensors;
using FastRobust.Tests.StudyTests;
using Xunit;

namespace FastRobust.Tests.SlurmTests;

/// <summary>An unsharded run of the test study, made once for the tests that compare Slurm runs against it.</summary>
public sealed class UnshardedReference : IDisposable
{
    private readonly Lazy<string> _dir = new(() =>
    {
        string dir = Path.Combine(Directory.CreateTempSubdirectory("fr-slurm-ref-").FullName, "study");
        StudyRunner.Run(StudyFile.Parse(SlurmArrayTests.Tiny, "tiny"), "tiny", dir, Shard.All, force: false, Device.Cpu, new SilentStudyProgress());
        return dir;
    });

    public string StudyDir => _dir.Value;

    public void Dispose()
    {
        if (_dir.IsValueCreated) try { Directory.Delete(Path.GetDirectoryName(_dir.Value)!, true); } catch (IOException) { }
    }
}

/// <summary>
/// A tiny study run as a Slurm job array on a real (local) Slurm, against an unsharded run of it: the merged tables
/// must equal the unsharded ones (apart from timings) — after a clean run, and after one task was told to stop
/// before its time limit (it requeues itself and resumes) and another was cancelled outright and requeued.
/// </summary>
public sealed class SlurmArrayTests(UnshardedReference reference) : IClassFixture<UnshardedReference>, IDisposable
{
    internal const string Tiny = """
        { "name": "tiny-slurm", "dataset": "mnist", "train_images": 256, "test_images": 128, "attack_images": 32, "measure_images": 64,
          "training": { "epochs": 1, "batch": 64, "optimizer": "adam", "lr": 0.003 },
          "models": [ { "family": "custom-cnn", "grid": { "depth": [1], "width": [3, 4, 5, 6, 7, 8], "hidden": [8] } } ],
          "conditions": [ { "type": "clean" }, { "type": "attack", "attack": "fgsm", "eps": [0.1] }, { "type": "noise", "sigma": [0.3] } ],
          "measures": ["performance", "norms"] }
        """;

    private static readonly TimeSpan Limit = TimeSpan.FromMinutes(5);
    private readonly string _dir = Directory.CreateTempSubdirectory("fr-slurm-").FullName;
    private readonly List<string> _jobs = [];

    public void Dispose()
    {
        if (_jobs.Count > 0) ExternalProcess.Run("scancel", [.. _jobs]);
        try { Directory.Delete(_dir, true); } catch (IOException) { }
    }

    /// <summary>`study FILE --out DIR --slurm --tasks N` through the CLI; returns the array and merge job ids.</summary>
    private (string Array, string Merge) Submit(string dir, int tasks)
    {
        string file = Path.Combine(_dir, "tiny.jsonc");
        File.WriteAllText(file, Tiny);
        var psi = new ProcessStartInfo("dotnet", [Path.Combine(AppContext.BaseDirectory, "FastRobust.Cli.dll"), "study", file, "--out", dir,
                                                  "--slurm", "--tasks", tasks.ToString(), "--cpus-per-task", "1", "--device", "cpu"])
        {
            RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = _dir,
        };
        using var p = Process.Start(psi)!;
        var err = p.StandardError.ReadToEndAsync();
        string output = p.StandardOutput.ReadToEnd();
        p.WaitForExit();
        Assert.True(p.ExitCode == 0, $"submission failed: {output}{err.GetAwaiter().GetResult()}");
        using var jobs = JsonDocument.Parse(File.ReadAllText(Path.Combine(dir, "slurm", "jobs.json")));
        string array = jobs.RootElement.GetProperty("array_job").GetString()!, merge = jobs.RootElement.GetProperty("merge_job").GetString()!;
        _jobs.AddRange([array, merge]);
        return (array, merge);
    }

    private static string Logs(string dir)
    {
        string logs = Path.Combine(dir, "slurm", "logs");
        var (_, queue) = ExternalProcess.Run("squeue");
        return "squeue:\n" + queue + string.Concat(Directory.Exists(logs)
            ? Directory.GetFiles(logs).Order().Select(f => $"--- {Path.GetFileName(f)}\n{File.ReadAllText(f)}") : []);
    }

    private static void WaitForMerge(string dir, string merge) =>
        LocalSlurm.WaitFor(() => LocalSlurm.State(merge) is not ("PENDING" or "RUNNING" or "CONFIGURING" or "COMPLETING" or "REQUEUED"),
                           Limit, $"merge job {merge}", () => Logs(dir));

    private void AssertMergedEqualsUnsharded(string dir, string merge)
    {
        Assert.True(LocalSlurm.State(merge) == "COMPLETED", $"merge job {merge}: {LocalSlurm.State(merge)}\n{Logs(dir)}");
        StudyRunTests.SameTables(StudyRunTests.Snapshot(reference.StudyDir), StudyRunTests.Snapshot(dir));
        var status = StudyStatus.Read(dir);
        Assert.Equal(6, status.InDirectory);
        Assert.Equal(6, status.Shards.Sum(s => s.Done));
        Assert.Equal(0, status.Shards.Sum(s => s.Running + s.Failed + s.Left));
    }

    [SkippableFact]
    public void AThreeTaskArrayAndItsMergeGiveTheUnshardedTables()
    {
        LocalSlurm.SkipIfAbsent();
        _ = reference.StudyDir;
        string dir = Path.Combine(_dir, "three");
        var (_, merge) = Submit(dir, 3);
        WaitForMerge(dir, merge);
        AssertMergedEqualsUnsharded(dir, merge);
        Assert.All(Enumerable.Range(1, 3), i => Assert.Equal(2, ShardRecord.Read(Path.Combine(dir, "shards", i.ToString()))!.Units.Length));
    }

    [SkippableFact]
    public void TasksStoppedOrCancelledAndRequeuedStillGiveTheUnshardedTables()
    {
        LocalSlurm.SkipIfAbsent();
        _ = reference.StudyDir;
        string dir = Path.Combine(_dir, "requeue");
        var (array, merge) = Submit(dir, 2);
        string task1 = $"{array}_1", task2 = $"{array}_2";
        bool Started(int shard) => Directory.Exists(Path.Combine(dir, "shards", shard.ToString(), "units"))
            && Directory.GetFiles(Path.Combine(dir, "shards", shard.ToString(), "units"), UnitState.RunningFile, SearchOption.AllDirectories).Length > 0;

        // task 1: the warning Slurm sends before a time limit (USR1 to the batch shell); it stops and requeues itself
        LocalSlurm.WaitFor(() => Started(1), Limit, "shard 1 to start a model", () => Logs(dir));
        Assert.Equal(0, ExternalProcess.Run("scancel", "--signal=USR1", "--batch", task1).Code);
        // task 2: cancelled outright, then requeued by hand
        LocalSlurm.WaitFor(() => Started(2), Limit, "shard 2 to start a model", () => Logs(dir));
        Assert.Equal(0, ExternalProcess.Run("scancel", task2).Code);
        LocalSlurm.WaitFor(() => LocalSlurm.State(task2) == "CANCELLED", Limit, $"{task2} to be cancelled", () => Logs(dir));
        var requeue = ExternalProcess.Run("scontrol", "requeue", task2);
        Assert.True(requeue.Code == 0, requeue.Output);

        // Slurm holds a requeued task back for about two minutes; release both as soon as they are pending again
        LocalSlurm.WaitFor(() =>
        {
            if (File.ReadAllText(Log(dir, 1)).Contains("requeueing")) return true;
            string state = LocalSlurm.State(task1);
            Assert.False(state is "COMPLETED" or "FAILED" or "CANCELLED", $"{task1} ended ({state}) without requeueing itself\n{Logs(dir)}");
            return false;
        }, Limit, $"{task1} to requeue itself", () => Logs(dir));
        foreach (var t in new[] { task1, task2 })
            if (LocalSlurm.State(t) == "PENDING") ExternalProcess.Run("scontrol", "update", $"jobid={t}", "StartTime=now");
        // a cancelled task fails the merge's afterok for good, even once requeued: point it at the tasks again
        var update = ExternalProcess.Run("scontrol", "update", $"jobid={merge}", $"dependency=afterok:{task1}:{task2}");
        Assert.True(update.Code == 0, update.Output);

        WaitForMerge(dir, merge);
        AssertMergedEqualsUnsharded(dir, merge);
        string log1 = File.ReadAllText(Log(dir, 1)), log2 = File.ReadAllText(Log(dir, 2));
        Assert.Contains("restart 1", log1);
        Assert.Contains("restart 1", log2);
        // the requeued task 1 resumed its shard: its last run found a model already finished
        var last = log1.Split('\n').Last(l => l.Contains("already finished"));
        Assert.Matches(@"model\(s\) run, [1-9]\d* already finished", last);
    }

    private static string Log(string dir, int task) => Path.Combine(dir, "slurm", "logs", $"task-{task}.log");
}
