using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using FastRobust.Util;

namespace FastRobust.Study;

/// <summary>Where a unit stands, as its folder shows it.</summary>
public enum UnitStatus { Left, Running, Done, Failed }

/// <summary>
/// The markers a unit folder carries besides done.json, so that `study DIR --status` can tell a unit being worked on
/// from one that failed or was abandoned: running.json (host, process, Slurm job, start) when a unit starts,
/// failed.json (the error) when it throws, abandoned.json when a stop signal's grace period ran out. done.json,
/// written last by <see cref="StudyDirectory.Commit"/>, outranks them all.
/// </summary>
public static class UnitState
{
    public const string RunningFile = "running.json", FailedFile = "failed.json", AbandonedFile = "abandoned.json";

    public static void MarkRunning(string unitDir) => AtomicFile.WriteAllText(Path.Combine(unitDir, RunningFile), JsonSerializer.Serialize(new
    {
        host = Environment.MachineName,
        pid = Environment.ProcessId,
        slurm_job = SlurmJobId(),
        started = DateTime.UtcNow.ToString("o", CultureInfo.InvariantCulture),
    }) + "\n");

    public static void MarkFailed(string unitDir, Exception e) => AtomicFile.WriteAllText(Path.Combine(unitDir, FailedFile), JsonSerializer.Serialize(new
    {
        host = Environment.MachineName,
        slurm_job = SlurmJobId(),
        error = $"{e.GetType().Name}: {e.Message}",
        at = DateTime.UtcNow.ToString("o", CultureInfo.InvariantCulture),
    }) + "\n");

    public static void MarkAbandoned(string unitDir) => AtomicFile.WriteAllText(Path.Combine(unitDir, AbandonedFile), JsonSerializer.Serialize(new
    {
        at = DateTime.UtcNow.ToString("o", CultureInfo.InvariantCulture),
    }) + "\n");

    /// <summary>
    /// Done (done.json with this definition), failed, running, or left (not begun, abandoned, or begun by a process of
    /// this host that no longer exists, i.e. killed). A unit begun on another host counts as running: only that host
    /// could tell otherwise.
    /// </summary>
    public static UnitStatus Read(StudyDirectory dir, WorkUnit unit)
    {
        if (dir.IsDone(unit)) return UnitStatus.Done;
        string unitDir = dir.UnitDir(unit.Id);
        if (File.Exists(Path.Combine(unitDir, FailedFile))) return UnitStatus.Failed;
        if (File.Exists(Path.Combine(unitDir, AbandonedFile))) return UnitStatus.Left;
        string running = Path.Combine(unitDir, RunningFile);
        if (!File.Exists(running)) return UnitStatus.Left;
        try
        {
            using var doc = JsonDocument.Parse(File.ReadAllText(running));
            string? host = doc.RootElement.GetProperty("host").GetString();
            int pid = doc.RootElement.GetProperty("pid").GetInt32();
            if (host == Environment.MachineName && !ProcessExists(pid)) return UnitStatus.Left;
        }
        catch (Exception e) when (e is JsonException or KeyNotFoundException or InvalidOperationException or IOException) { }
        return UnitStatus.Running;
    }

    private static bool ProcessExists(int pid)
    {
        try
        {
            using var p = Process.GetProcessById(pid);
            return !p.HasExited;
        }
        catch (ArgumentException) { return false; }
        catch (InvalidOperationException) { return false; }
    }

    private static string? SlurmJobId()
    {
        string? array = Environment.GetEnvironmentVariable("SLURM_ARRAY_JOB_ID"), task = Environment.GetEnvironmentVariable("SLURM_ARRAY_TASK_ID");
        return array != null && task != null ? $"{array}_{task}" : Environment.GetEnvironmentVariable("SLURM_JOB_ID");
    }
}
