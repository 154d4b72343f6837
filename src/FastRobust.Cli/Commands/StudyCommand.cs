using System.CommandLine;
using FastRobust.Study;
using FastRobust.Util;

namespace FastRobust.Cli.Commands;

/// <summary>./run.sh study: runs a study file (or a bundled preset) into a directory of tidy tables, resumably.</summary>
public static class StudyCommand
{
    public const string DefaultPreset = "quick";

    public static Command Create()
    {
        var file = new Argument<string?>("FILE") { Description = "The study file (JSON with comments; docs/study.md)", Arity = ArgumentArity.ZeroOrOne };
        var preset = new Option<string?>("--preset") { Description = $"Run a bundled study instead of a file: {string.Join(", ", StudyPresets.Names)}" };
        var output = new Option<string?>("--out") { Description = "Study directory (default: runs/NAME); re-running on it resumes" };
        var shard = new Option<string>("--shard") { Description = "Run every N-th model only, starting at the I-th: I/N (combine shards with merge)", DefaultValueFactory = _ => "1/1" };
        var force = new Option<bool>("--force") { Description = "Rerun on a directory that holds a different study (unchanged finished models are kept)" };
        var device = new Option<string?>("--device") { Description = "Override the study's device: auto, cpu, cuda, ilgpu-cpu" };
        var top = new Option<int>("--top") { Description = "Predictors per notion in the closing report", DefaultValueFactory = _ => 5 };
        var status = new Option<bool>("--status") { Description = "Show how far the study in directory FILE has come: per shard, models done, running, failed, left" };
        var assignment = new Option<string?>("--shard-assignment") { Description = "How a new shard directory gets its models: balanced (by estimated cost, the default) or round-robin" };
        var slurm = new StudySlurmOptions();
        var cmd = new Command("study", "Train or load a zoo of models, evaluate them clean, under attacks and noise, measure them, and correlate measures with robustness")
        {
            file, preset, output, shard, force, device, top, status, assignment,
        };
        slurm.AddTo(cmd);
        cmd.SetAction(r =>
        {
            var stdout = r.InvocationConfiguration.Output;
            if (r.GetValue(status)) return StatusOf(r.GetValue(file), r.GetValue(preset), stdout);
            if (!slurm.Requested(r))
            {
                slurm.CheckUnused(r);
                return Run(r.GetValue(file), r.GetValue(preset), r.GetValue(output), r.GetValue(shard)!, r.GetValue(force), r.GetValue(device), r.GetValue(top),
                    stdout, r.InvocationConfiguration.Error, r.GetValue(assignment));
            }
            var (study, _) = Load(r.GetValue(file), r.GetValue(preset));
            if (r.GetValue(shard) != "1/1") throw new InputException("--slurm makes the shards itself (--tasks N); leave out --shard");
            string dir = r.GetValue(output) ?? Path.Combine("runs", StudyPlan.Sanitize(study.Name));
            OutputPath.CheckDirectory(dir, r.GetValue(output) is null ? "the study directory" : "--out");
            return slurm.Run(r, study, dir, r.GetValue(device), r.GetValue(assignment), r.GetValue(force), stdout);
        });
        return cmd;
    }

    private static (StudyFile Study, string Source) Load(string? file, string? preset)
    {
        if (file != null && preset != null) throw new InputException("give either a study FILE or --preset, not both");
        if (file != null) return (StudyFile.Load(file), file);
        return (StudyPresets.Load(preset ?? DefaultPreset), $"preset '{preset ?? DefaultPreset}'");
    }

    private static int StatusOf(string? dir, string? preset, TextWriter stdout)
    {
        if (dir is null || preset != null) throw new InputException("--status takes the study directory: study DIR --status");
        stdout.Write(StudyStatus.Read(dir).Format());
        return 0;
    }

    public static int Run(string? file, string? preset, string? outDir, string shardText, bool force, string? device, int top, TextWriter stdout,
                          TextWriter stderr, string? assignment = null)
    {
        var (study, source) = Load(file, preset);
        var shard = Shard.Parse(shardText);
        string dir = outDir ?? Path.Combine("runs", StudyPlan.Sanitize(study.Name) + (shard.Count > 1 ? $"-shard{shard.Index}of{shard.Count}" : ""));
        OutputPath.CheckDirectory(dir, outDir is null ? "the study directory" : "--out");
        var dev = device is null ? null : CommonOptions.OpenDevice(device);
        using var stop = StudyStop.OnSignals(StudyStop.DefaultGrace, stderr.WriteLine);
        var outcome = BarStudyProgress.Run(stdout, p => StudyRunner.Run(study, source, dir, shard, force, dev, p, assignment, stop));
        if (outcome.Stopped)
        {
            stdout.WriteLine($"study '{study.Name}': stopped by a signal after {outcome.Ran} model(s); {outcome.Units - outcome.Skipped - outcome.Ran} left; run it again to resume");
            return StudyStop.ExitCode;
        }
        stdout.WriteLine($"study '{study.Name}': {outcome.Ran} model(s) run, {outcome.Skipped} already finished; {outcome.InTables} in the tables");
        stdout.WriteLine($"tables: {string.Join(", ", StudyDirectory.TableNames.Select(t => Path.Combine(outcome.Directory, t + ".parquet")).Where(File.Exists))}");
        stdout.WriteLine(StudyReport.Format(StudyReport.Strongest(outcome.Directory, top)));
        if (StudyReport.Warning(outcome.Directory) is { } warning) stderr.WriteLine(warning);
        return 0;
    }
}
