using System.CommandLine;
using FastRobust.Study;
using FastRobust.Study.Slurm;

namespace FastRobust.Cli.Commands;

/// <summary>The study verb's options for running it as a Slurm job array (--slurm and what goes with it).</summary>
public sealed class StudySlurmOptions
{
    private readonly Option<bool> _slurm = new("--slurm") { Description = "Submit the study to Slurm as a job array (one task per shard, into OUT/shards/I) and a merge job into OUT; docs/scale.md" };
    private readonly Option<int?> _tasks = new("--tasks") { Description = "With --slurm: the number of array tasks (shards)" };
    private readonly Option<string?> _partition = new("--partition") { Description = "With --slurm: the partition (sbatch --partition)" };
    private readonly Option<string?> _time = new("--time") { Description = "With --slurm: each task's time limit (sbatch --time, e.g. 4:00:00); tasks are signalled before it and requeue themselves" };
    private readonly Option<int?> _cpus = new("--cpus-per-task") { Description = "With --slurm: CPU cores per task" };
    private readonly Option<int?> _gpus = new("--gpus-per-task") { Description = "With --slurm: GPUs per task" };
    private readonly Option<string[]> _sbatchArgs = new("--sbatch-arg") { Description = "With --slurm: a further sbatch option for both scripts, e.g. --sbatch-arg=--account=lab (repeatable)", AllowMultipleArgumentsPerToken = false };
    private readonly Option<bool> _dryRun = new("--dry-run") { Description = "With --slurm: write the batch scripts and print the sbatch commands without submitting" };

    public void AddTo(Command cmd)
    {
        foreach (var o in new Option[] { _slurm, _tasks, _partition, _time, _cpus, _gpus, _sbatchArgs, _dryRun }) cmd.Options.Add(o);
    }

    public bool Requested(ParseResult r) => r.GetValue(_slurm);

    /// <summary>Options that mean nothing without --slurm are refused rather than ignored.</summary>
    public void CheckUnused(ParseResult r)
    {
        foreach (var o in new Option[] { _tasks, _partition, _time, _cpus, _gpus, _sbatchArgs, _dryRun })
            if (r.GetResult(o) is { Implicit: false })
                throw new Util.InputException($"{o.Name} goes with --slurm");
    }

    public int Run(ParseResult r, StudyFile study, string outDir, string? device, string? assignment, bool force, TextWriter output)
    {
        if (r.GetValue(_tasks) is not { } tasks) throw new Util.InputException("--slurm needs --tasks N (the number of array tasks)");
        var options = new SlurmOptions
        {
            Tasks = tasks,
            Partition = r.GetValue(_partition),
            Time = r.GetValue(_time),
            CpusPerTask = r.GetValue(_cpus),
            GpusPerTask = r.GetValue(_gpus),
            SbatchArgs = r.GetValue(_sbatchArgs) ?? [],
            Device = device,
            Assignment = assignment,
            Dotnet = DotnetHost(),
            CliDll = typeof(StudySlurmOptions).Assembly.Location,
            WorkingDirectory = Directory.GetCurrentDirectory(),
            DataDirectory = Environment.GetEnvironmentVariable("FASTROBUST_DATA") is { Length: > 0 } d ? Path.GetFullPath(d) : null,
        };
        bool dryRun = r.GetValue(_dryRun);
        var result = SlurmSubmission.Submit(study, outDir, options, force, dryRun);
        string dir = Path.GetFullPath(outDir);
        output.WriteLine($"study '{study.Name}': {result.Balance.Units.Sum(u => u.Count)} models in {tasks} shards ({result.Assignment}); {result.Balance.Describe()}");
        output.WriteLine($"wrote {result.ArrayScript} and {result.MergeScript}");
        if (dryRun)
        {
            output.WriteLine("dry run: would submit");
            foreach (var c in result.Commands) output.WriteLine("  " + c);
            return 0;
        }
        output.WriteLine($"submitted array job {result.ArrayJob} ({tasks} tasks: shard I/{tasks} into {Path.Combine(dir, "shards")}/I) and merge job {result.MergeJob} (after the array succeeds, into {dir})");
        output.WriteLine($"watch:  squeue -j {result.ArrayJob},{result.MergeJob}   or   ./run.sh study {outDir} --status");
        output.WriteLine($"logs:   {SlurmScripts.LogDir(dir)}/task-I.log, merge.log");
        output.WriteLine($"cancel: scancel {result.ArrayJob} {result.MergeJob}   (submitting the same command again resumes: finished models are kept)");
        return 0;
    }

    /// <summary>The dotnet host running this CLI, by absolute path, so a task finds the same runtime.</summary>
    private static string DotnetHost()
    {
        string? host = Environment.ProcessPath;
        return host != null && Path.GetFileNameWithoutExtension(host) == "dotnet" ? host : "dotnet";
    }
}
