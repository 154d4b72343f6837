using System.Text.RegularExpressions;
using FastRobust.Util;

namespace FastRobust.Study.Slurm;

/// <summary>
/// What `study FILE --slurm` submits: how many array tasks (shards), the resources each asks for, extra sbatch
/// options, and what the tasks run (the dotnet host and CLI assembly on the shared filesystem, the working
/// directory, the data folder).
/// </summary>
public sealed record SlurmOptions
{
    public required int Tasks { get; init; }
    public string? Partition { get; init; }
    /// <summary>Each task's time limit in Slurm's notation (MM, MM:SS, HH:MM:SS, D-HH, D-HH:MM, D-HH:MM:SS).</summary>
    public string? Time { get; init; }
    public int? CpusPerTask { get; init; }
    public int? GpusPerTask { get; init; }
    /// <summary>Further sbatch options, one #SBATCH line each, e.g. "--account=lab" or "--mem=16G".</summary>
    public IReadOnlyList<string> SbatchArgs { get; init; } = [];
    /// <summary>The device each task passes to the study (--device), or null for the study's own.</summary>
    public string? Device { get; init; }
    /// <summary>Shard assignment for new shard directories (<see cref="ShardRecord"/>), or null for balanced.</summary>
    public string? Assignment { get; init; }

    public required string Dotnet { get; init; }
    public required string CliDll { get; init; }
    public required string WorkingDirectory { get; init; }
    public string? DataDirectory { get; init; }

    /// <summary>Seconds before the time limit at which Slurm signals a task (USR1 to its batch shell): enough for the study's grace period and a requeue.</summary>
    public static readonly int SignalLeadSeconds = (int)StudyStop.DefaultGrace.TotalSeconds + 60;

    /// <summary>Every option checked before anything is written or submitted; each refusal names the option.</summary>
    public void Validate(int units)
    {
        if (Tasks < 1) throw new InputException($"--tasks must be at least 1, got {Tasks}");
        if (Tasks > units) throw new InputException($"--tasks {Tasks} is more than the study's {units} models; every task needs at least one");
        if (Partition != null && !NameRegex.IsMatch(Partition)) throw new InputException($"--partition '{Partition}' is not a partition name (letters, digits, '-', '_', '.', ',')");
        if (Time != null && !TimeRegex.IsMatch(Time))
            throw new InputException($"--time '{Time}' is not a Slurm time (minutes, MM:SS, HH:MM:SS, D-HH, D-HH:MM or D-HH:MM:SS)");
        if (CpusPerTask is < 1) throw new InputException($"--cpus-per-task must be at least 1, got {CpusPerTask}");
        if (GpusPerTask is < 0) throw new InputException($"--gpus-per-task must be 0 or more, got {GpusPerTask}");
        foreach (var a in SbatchArgs)
            if (!a.StartsWith('-') || a.Any(char.IsControl))
                throw new InputException($"--sbatch-arg '{a}' must be one sbatch option on one line, starting with '-' (e.g. --sbatch-arg=--account=lab)");
    }

    private static readonly Regex NameRegex = new(@"^[A-Za-z0-9_.,-]+$");

    private static readonly Regex TimeRegex =
        new(@"^(\d+|\d+:\d{1,2}|\d+:\d{1,2}:\d{1,2}|\d+-\d+|\d+-\d+:\d{1,2}|\d+-\d+:\d{1,2}:\d{1,2}|UNLIMITED|INFINITE|unlimited|infinite)$");
}
