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
        var cmd = new Command("study", "Train or load a zoo of models, evaluate them clean, under attacks and noise, measure them, and correlate measures with robustness")
        {
            file, preset, output, shard, force, device, top,
        };
        cmd.SetAction(r => Run(r.GetValue(file), r.GetValue(preset), r.GetValue(output), r.GetValue(shard)!, r.GetValue(force), r.GetValue(device), r.GetValue(top),
            r.InvocationConfiguration.Output));
        return cmd;
    }

    public static int Run(string? file, string? preset, string? outDir, string shardText, bool force, string? device, int top, TextWriter stdout)
    {
        if (file != null && preset != null) throw new InputException("give either a study FILE or --preset, not both");
        StudyFile study;
        string source;
        if (file != null) (study, source) = (StudyFile.Load(file), file);
        else (study, source) = (StudyPresets.Load(preset ?? DefaultPreset), $"preset '{preset ?? DefaultPreset}'");
        var shard = Shard.Parse(shardText);
        string dir = outDir ?? Path.Combine("runs", StudyPlan.Sanitize(study.Name) + (shard.Count > 1 ? $"-shard{shard.Index}of{shard.Count}" : ""));
        OutputPath.CheckDirectory(dir, outDir is null ? "the study directory" : "--out");
        var dev = device is null ? null : CommonOptions.OpenDevice(device);
        var outcome = BarStudyProgress.Run(stdout, p => StudyRunner.Run(study, source, dir, shard, force, dev, p));
        stdout.WriteLine($"study '{study.Name}': {outcome.Ran} model(s) run, {outcome.Skipped} already finished; {outcome.InTables} in the tables");
        stdout.WriteLine($"tables: {string.Join(", ", StudyDirectory.TableNames.Select(t => Path.Combine(outcome.Directory, t + ".parquet")).Where(File.Exists))}");
        stdout.WriteLine(StudyReport.Format(StudyReport.Strongest(outcome.Directory, top)));
        return 0;
    }
}
