using System.Diagnostics;
using System.Text.Json;
using FastRobust.Util;

namespace FastRobust.Study.Slurm;

/// <summary>
/// Prepares a study directory for a Slurm job array and submits it: DIR/study.json, one directory per shard with its
/// recorded units (shard.json), the study as submitted and the two batch scripts in DIR/slurm/, then `sbatch` for the
/// array and for the merge (--dependency=afterok on the array). Submitting again on the same directory resumes:
/// each shard keeps its units and its finished models.
/// </summary>
public static class SlurmSubmission
{
    public sealed record Result(string ArrayScript, string MergeScript, ShardBalance Balance, string Assignment,
                                IReadOnlyList<string> Commands, string? ArrayJob, string? MergeJob);

    public static Result Submit(StudyFile study, string studyDir, SlurmOptions o, bool force, bool dryRun)
    {
        studyDir = Path.GetFullPath(studyDir);
        var units = StudyPlan.Expand(study);
        o.Validate(units.Count);
        SlurmScripts.CheckPaths(studyDir, o);
        if (!dryRun && FindOnPath("sbatch") is null)
            throw new InputException("sbatch not found on PATH: run this on a Slurm login node (or try --dry-run, or tools/slurm-local.sh start for a local Slurm)");

        new StudyDirectory(studyDir).Open(study, force);
        var lists = new List<List<WorkUnit>>();
        for (int i = 1; i <= o.Tasks; i++)
        {
            string shardDir = SlurmScripts.ShardDir(studyDir, i);
            new StudyDirectory(shardDir).Open(study, force);
            lists.Add(ShardRecord.Resolve(shardDir, study, units, new Shard(i, o.Tasks), o.Assignment));
        }
        // the balance as the shards hold it (recorded assignments may predate this submission)
        var costs = UnitCost.Estimate(study, units);
        var index = units.Select((u, i) => (u.Id, i)).ToDictionary(p => p.Id, p => p.i);
        var balance = ShardBalance.FromUnits(lists.Select(l => l.Select(u => index[u.Id]).ToList()).ToList(), costs);
        string assignment = string.Join("/", Enumerable.Range(1, o.Tasks).Select(i => ShardRecord.Read(SlurmScripts.ShardDir(studyDir, i))?.Assignment ?? "one shard").Distinct());

        Directory.CreateDirectory(SlurmScripts.LogDir(studyDir));
        AtomicFile.WriteAllText(SlurmScripts.StudyPath(studyDir), study.Canonical + "\n");
        string array = SlurmScripts.ArrayPath(studyDir), merge = SlurmScripts.MergePath(studyDir);
        AtomicFile.WriteAllText(array, SlurmScripts.Array(study.Name, studyDir, o));
        AtomicFile.WriteAllText(merge, SlurmScripts.Merge(study.Name, studyDir, o));

        string arrayCommand = $"sbatch --parsable {SlurmScripts.Quote(array)}";
        string MergeCommand(string arrayJob) => $"sbatch --parsable --dependency=afterok:{arrayJob} {SlurmScripts.Quote(merge)}";
        if (dryRun)
            return new Result(array, merge, balance, assignment, [arrayCommand, MergeCommand("<array job id>")], null, null);

        string arrayJob = Sbatch(["--parsable", array]);
        string mergeJob = Sbatch(["--parsable", $"--dependency=afterok:{arrayJob}", merge]);
        AtomicFile.WriteAllText(Path.Combine(SlurmScripts.SlurmDir(studyDir), "jobs.json"), JsonSerializer.Serialize(new
        {
            array_job = arrayJob, merge_job = mergeJob, tasks = o.Tasks, submitted = DateTime.UtcNow.ToString("o"),
        }) + "\n");
        return new Result(array, merge, balance, assignment, [arrayCommand, MergeCommand(arrayJob)], arrayJob, mergeJob);
    }

    /// <summary>Runs sbatch and returns the job id it prints (--parsable: "ID" or "ID;CLUSTER").</summary>
    private static string Sbatch(IReadOnlyList<string> args)
    {
        var psi = new ProcessStartInfo("sbatch") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in args) psi.ArgumentList.Add(a);
        using var p = Process.Start(psi) ?? throw new InputException("could not start sbatch");
        var stderr = p.StandardError.ReadToEndAsync();
        string stdout = p.StandardOutput.ReadToEnd();
        p.WaitForExit();
        if (p.ExitCode != 0)
            throw new InputException($"sbatch {string.Join(" ", args)} failed (exit {p.ExitCode}): {stderr.Result.Trim()}");
        string id = stdout.Trim().Split(';')[0];
        if (id.Length == 0 || !id.All(char.IsAsciiDigit)) throw new InputException($"sbatch printed '{stdout.Trim()}', not a job id");
        return id;
    }

    public static string? FindOnPath(string program) =>
        (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Select(d => Path.Combine(d, program)).FirstOrDefault(File.Exists);
}
