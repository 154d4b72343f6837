using System.Text;
using FastRobust.Util;

namespace FastRobust.Study.Slurm;

/// <summary>
/// The two batch scripts of a study on Slurm, both in DIR/slurm/: array.sbatch, an array of N tasks where task i
/// runs shard i/N of the study into DIR/shards/i, and merge.sbatch, which merges the shards into DIR and is
/// submitted with --dependency=afterok on the array. Tasks are requeueable: Slurm requeues them itself on
/// preemption or node failure (--requeue), and before the time limit it sends USR1 to the batch shell, which asks
/// the study to stop (it finishes or abandons its current unit) and, when units are left, requeues the task; the
/// requeued task resumes its shard.
/// </summary>
public static class SlurmScripts
{
    public static string SlurmDir(string studyDir) => Path.Combine(studyDir, "slurm");
    public static string ArrayPath(string studyDir) => Path.Combine(SlurmDir(studyDir), "array.sbatch");
    public static string MergePath(string studyDir) => Path.Combine(SlurmDir(studyDir), "merge.sbatch");
    /// <summary>The study as submitted (its canonical JSON): every task runs this, not the file it came from.</summary>
    public static string StudyPath(string studyDir) => Path.Combine(SlurmDir(studyDir), "study.json");
    public static string LogDir(string studyDir) => Path.Combine(SlurmDir(studyDir), "logs");
    public static string ShardDir(string studyDir, int shard) => Path.Combine(studyDir, "shards", shard.ToString(System.Globalization.CultureInfo.InvariantCulture));

    public static string Array(string studyName, string studyDir, SlurmOptions o)
    {
        var b = new StringBuilder();
        b.Append("#!/bin/bash\n");
        b.Append($"# FastRobust study '{OneLine(studyName)}' on Slurm: task i of {o.Tasks} runs shard i/{o.Tasks} into {OneLine(Path.Combine(studyDir, "shards"))}/i.\n");
        b.Append("# Written by `study --slurm`; submit again with `sbatch` (finished models are kept), or rerun that command.\n");
        Directive(b, $"--job-name={JobName(studyName)}");
        Directive(b, $"--array=1-{o.Tasks}");
        Directive(b, $"--output={Percent(LogDir(studyDir))}/task-%a.log");
        Directive(b, "--open-mode=append");
        Directive(b, $"--chdir={o.WorkingDirectory}");
        Directive(b, "--requeue");
        Directive(b, $"--signal=B:USR1@{SlurmOptions.SignalLeadSeconds}");
        Resources(b, o, gpus: true, cpus: o.CpusPerTask);
        b.Append("set -uo pipefail\n");
        Environment(b, o);
        b.Append("shard=$SLURM_ARRAY_TASK_ID\n");
        b.Append("task=\"${SLURM_ARRAY_JOB_ID}_${SLURM_ARRAY_TASK_ID}\"\n");
        b.Append($"echo \"[$(date -u +%FT%TZ)] shard $shard/{o.Tasks}, task $task on $(hostname), restart ${{SLURM_RESTART_COUNT:-0}}\"\n");
        b.Append($"{Quote(o.Dotnet)} {Quote(o.CliDll)} study {Quote(StudyPath(studyDir))} --out {Quote(Path.Combine(studyDir, "shards"))}/\"$shard\" --shard \"$shard/{o.Tasks}\"");
        if (o.Device != null) b.Append($" --device {Quote(o.Device)}");
        if (o.Assignment != null) b.Append($" --shard-assignment {Quote(o.Assignment)}");
        b.Append(" &\n");
        b.Append("pid=$!\n");
        b.Append("# USR1 (sent by Slurm before the time limit): stop, then requeue. TERM (scancel, preemption): stop only.\n");
        b.Append("requeue=0\n");
        b.Append("trap 'requeue=1; kill -TERM \"$pid\" 2>/dev/null' USR1\n");
        b.Append("trap 'kill -TERM \"$pid\" 2>/dev/null' TERM\n");
        b.Append("wait \"$pid\"; rc=$?\n");
        b.Append("# a trapped signal ends `wait` early: wait for the study itself to exit\n");
        b.Append("while kill -0 \"$pid\" 2>/dev/null; do wait \"$pid\"; rc=$?; done\n");
        b.Append("# it may have exited between an interrupted wait and the check: collect its status (127: already collected)\n");
        b.Append("wait \"$pid\" 2>/dev/null; last=$?; [ \"$last\" != 127 ] && rc=$last\n");
        b.Append($"if [ \"$requeue\" = 1 ] && [ \"$rc\" = {StudyStop.ExitCode} ]; then\n");
        b.Append("  echo \"[$(date -u +%FT%TZ)] stopped before the time limit with models left: requeueing $task\"\n");
        b.Append("  # exit 0: the task is pending again, and a failed exit could count against the merge's dependency\n");
        b.Append("  scontrol requeue \"$task\" && exit 0\n");
        b.Append("fi\n");
        b.Append("exit \"$rc\"\n");
        return b.ToString();
    }

    public static string Merge(string studyName, string studyDir, SlurmOptions o)
    {
        var b = new StringBuilder();
        b.Append("#!/bin/bash\n");
        b.Append($"# FastRobust study '{OneLine(studyName)}' on Slurm: merges the {o.Tasks} shards into {OneLine(studyDir)} and rebuilds its tables.\n");
        b.Append("# Submitted with --dependency=afterok:<array job id>, so it runs once every array task has succeeded.\n");
        Directive(b, $"--job-name={JobName(studyName)}-merge");
        Directive(b, $"--output={Percent(LogDir(studyDir))}/merge.log");
        Directive(b, "--open-mode=append");
        Directive(b, $"--chdir={o.WorkingDirectory}");
        Directive(b, "--requeue");
        Resources(b, o, gpus: false, cpus: 1);
        b.Append("set -euo pipefail\n");
        Environment(b, o);
        b.Append("echo \"[$(date -u +%FT%TZ)] merging on $(hostname)\"\n");
        b.Append($"{Quote(o.Dotnet)} {Quote(o.CliDll)} merge {Quote(Path.Combine(studyDir, "shards"))}/{{1..{o.Tasks}}} --out {Quote(studyDir)}\n");
        return b.ToString();
    }

    private static void Resources(StringBuilder b, SlurmOptions o, bool gpus, int? cpus)
    {
        if (o.Partition != null) Directive(b, $"--partition={o.Partition}");
        if (o.Time != null) Directive(b, $"--time={o.Time}");
        if (cpus != null) Directive(b, $"--cpus-per-task={cpus}");
        if (gpus && o.GpusPerTask is > 0) Directive(b, $"--gpus-per-task={o.GpusPerTask}");
        foreach (var a in o.SbatchArgs) Directive(b, a);
    }

    private static void Environment(StringBuilder b, SlurmOptions o)
    {
        b.Append("export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1\n");
        if (o.DataDirectory != null) b.Append($"export FASTROBUST_DATA={Quote(o.DataDirectory)}\n");
    }

    private static void Directive(StringBuilder b, string option) => b.Append("#SBATCH ").Append(option).Append('\n');

    /// <summary>A job name Slurm and squeue show well: fr-NAME with only letters, digits, '-', '_' and '.'.</summary>
    public static string JobName(string studyName) => "fr-" + StudyPlan.Sanitize(studyName);

    /// <summary>A path in an #SBATCH --output pattern, where '%' starts a replacement ('%%' is a literal '%').</summary>
    private static string Percent(string path) => path.Replace("%", "%%");

    /// <summary>One word for bash, in single quotes.</summary>
    public static string Quote(string s) => "'" + s.Replace("'", "'\\''") + "'";

    private static string OneLine(string s) => new(s.Select(c => char.IsControl(c) ? ' ' : c).ToArray());

    /// <summary>Paths that go on #SBATCH lines, which have no quoting: refused when they hold white space.</summary>
    public static void CheckPaths(string studyDir, SlurmOptions o)
    {
        foreach (var (what, p) in new[] { ("--out", studyDir), ("the working directory", o.WorkingDirectory) })
            if (p.Any(c => char.IsWhiteSpace(c) || char.IsControl(c)))
                throw new InputException($"{what} '{p}' has white space; #SBATCH lines cannot quote it, so --slurm needs a path without spaces");
    }
}
