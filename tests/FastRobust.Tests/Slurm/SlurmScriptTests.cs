using System.CommandLine;
using System.Diagnostics;
using FastRobust.Cli;
using FastRobust.Cli.Commands;
using FastRobust.Study;
using FastRobust.Study.Slurm;
using FastRobust.Util;
using Xunit;

namespace FastRobust.Tests.SlurmTests;

/// <summary>
/// The batch scripts of `study --slurm` without a Slurm: their text against the options, bash's syntax check, and the
/// array script run by bash with a stand-in study and scontrol, to see it stop the study and requeue the task on
/// USR1 (the time-limit warning) but not on TERM (scancel).
/// </summary>
public sealed class SlurmScriptTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("fr-sbatch-").FullName;

    public void Dispose()
    {
        try { Directory.Delete(_dir, true); } catch (IOException) { }
    }

    private const string Study = """
        { "name": "zoo one", "dataset": "mnist", "train_images": 200,
          "models": [ { "family": "custom-cnn", "grid": { "width": [4, 8, 16, 32, 64] } } ],
          "conditions": [ { "type": "clean" } ], "measures": "none" }
        """;

    private SlurmOptions Options(int tasks = 3) => new()
    {
        Tasks = tasks, Partition = "gpu-a100", Time = "1-02:00:00", CpusPerTask = 8, GpusPerTask = 1,
        SbatchArgs = ["--account=lab", "--mem=16G"], Device = "cuda",
        Dotnet = "/opt/dotnet/dotnet", CliDll = "/shared/fr/FastRobust.Cli.dll", WorkingDirectory = "/shared/work", DataDirectory = "/shared/data",
    };

    private static string[] Directives(string script) => script.Split('\n').Where(l => l.StartsWith("#SBATCH ")).Select(l => l["#SBATCH ".Length..]).ToArray();

    [Fact]
    public void TheArrayScriptCarriesEveryOptionAndRunsShardIOfNIntoShardsI()
    {
        string script = SlurmScripts.Array("zoo one", "/shared/runs/zoo", Options());
        Assert.StartsWith("#!/bin/bash\n", script);
        Assert.Equal(new[]
        {
            "--job-name=fr-zoo-one", "--array=1-3", "--output=/shared/runs/zoo/slurm/logs/task-%a.log", "--open-mode=append",
            "--chdir=/shared/work", "--requeue", $"--signal=B:USR1@{SlurmOptions.SignalLeadSeconds}",
            "--partition=gpu-a100", "--time=1-02:00:00", "--cpus-per-task=8", "--gpus-per-task=1", "--account=lab", "--mem=16G",
        }, Directives(script));
        Assert.Contains("export FASTROBUST_DATA='/shared/data'\n", script);
        Assert.Contains("'/opt/dotnet/dotnet' '/shared/fr/FastRobust.Cli.dll' study '/shared/runs/zoo/slurm/study.json' " +
                        "--out '/shared/runs/zoo/shards'/\"$shard\" --shard \"$shard/3\" --device 'cuda' &\n", script);
        Assert.Contains("scontrol requeue \"$task\"", script);
        Assert.True(SlurmOptions.SignalLeadSeconds > StudyStop.DefaultGrace.TotalSeconds, "the signal must leave the study its grace period");
    }

    [Fact]
    public void TheMergeScriptMergesEveryShardIntoTheStudyDirectory()
    {
        string script = SlurmScripts.Merge("zoo one", "/shared/runs/zoo", Options(4));
        Assert.Equal(new[]
        {
            "--job-name=fr-zoo-one-merge", "--output=/shared/runs/zoo/slurm/logs/merge.log", "--open-mode=append", "--chdir=/shared/work",
            "--requeue", "--partition=gpu-a100", "--time=1-02:00:00", "--cpus-per-task=1", "--account=lab", "--mem=16G",
        }, Directives(script));
        Assert.Contains("'/opt/dotnet/dotnet' '/shared/fr/FastRobust.Cli.dll' merge '/shared/runs/zoo/shards'/{1..4} --out '/shared/runs/zoo'\n", script);
        // what bash makes of the shard list
        Assert.Equal("/shared/runs/zoo/shards/1 /shared/runs/zoo/shards/2 /shared/runs/zoo/shards/3 /shared/runs/zoo/shards/4",
                     Bash("printf '%s ' '/shared/runs/zoo/shards'/{1..4}", new()).Output.Trim());
    }

    [Fact]
    public void OptionsLeftOutLeaveNoDirective()
    {
        var o = Options() with { Partition = null, Time = null, CpusPerTask = null, GpusPerTask = null, SbatchArgs = [], Device = null, DataDirectory = null };
        string script = SlurmScripts.Array("z", "/r", o);
        Assert.DoesNotContain(Directives(script), d => d.StartsWith("--partition") || d.StartsWith("--time") || d.StartsWith("--cpus") || d.StartsWith("--gpus"));
        Assert.DoesNotContain("--device", script);
        Assert.DoesNotContain("FASTROBUST_DATA", script);
    }

    [Fact]
    public void BothScriptsPassBashsSyntaxCheck()
    {
        foreach (var (name, text) in new[] { ("array", SlurmScripts.Array("z", "/r", Options())), ("merge", SlurmScripts.Merge("z", "/r", Options())) })
        {
            string path = Path.Combine(_dir, name + ".sbatch");
            File.WriteAllText(path, text);
            var r = Bash($"bash -n {path}", new());
            Assert.True(r.Code == 0, $"{name}: {r.Output}");
        }
    }

    [Theory]
    [InlineData("USR1", true)]
    [InlineData("TERM", false)]
    public void TheArrayTaskStopsTheStudyOnASignalAndRequeuesItselfOnlyOnUsr1(string signal, bool requeues)
    {
        // stand-ins: a "dotnet" that records its arguments and, like the study, exits 3 when asked to stop; an "scontrol" that records its call
        string bin = Path.Combine(_dir, "bin");
        Directory.CreateDirectory(bin);
        string args = Path.Combine(_dir, "args.txt"), calls = Path.Combine(_dir, "scontrol.txt");
        File.WriteAllText(Path.Combine(bin, "dotnet"), $"#!/bin/bash\ntrap 'kill $!; exit {StudyStop.ExitCode}' TERM\necho \"$@\" > {args}.tmp; mv {args}.tmp {args}\nsleep 60 & wait\n");
        File.WriteAllText(Path.Combine(bin, "scontrol"), $"#!/bin/bash\necho \"$@\" >> {calls}\n");
        Assert.Equal(0, Bash($"chmod +x {bin}/dotnet {bin}/scontrol", new()).Code);
        var o = Options() with { Dotnet = Path.Combine(bin, "dotnet"), Device = null };
        string script = Path.Combine(_dir, "array.sbatch");
        File.WriteAllText(script, SlurmScripts.Array("z", "/r", o));

        var psi = new ProcessStartInfo("bash", ["-c", $"exec bash {script} > {script}.log 2>&1"]);
        psi.Environment["PATH"] = bin + ":" + Environment.GetEnvironmentVariable("PATH");
        psi.Environment["SLURM_ARRAY_JOB_ID"] = "41";
        psi.Environment["SLURM_ARRAY_TASK_ID"] = "2";
        using var p = Process.Start(psi)!;
        var sw = Stopwatch.StartNew();
        while (!File.Exists(args) && sw.Elapsed < TimeSpan.FromSeconds(30)) Thread.Sleep(20);
        Assert.Equal($"{o.CliDll} study /r/slurm/study.json --out /r/shards/2 --shard 2/3", File.ReadAllText(args).Trim());
        Assert.Equal(0, Bash($"kill -{signal} {p.Id}", new()).Code);
        Assert.True(p.WaitForExit(30_000), "the batch script did not end after the signal");
        Assert.Equal(requeues ? 0 : StudyStop.ExitCode, p.ExitCode);
        if (requeues) Assert.Equal("requeue 41_2", File.ReadAllText(calls).Trim());
        else Assert.False(File.Exists(calls), $"scontrol was called: {(File.Exists(calls) ? File.ReadAllText(calls) : "")}");
    }

    [Fact]
    public void ADryRunWritesTheScriptsAndShardRecordsThatCoverEveryModelOnce()
    {
        var study = StudyFile.Parse(Study, "zoo");
        string dir = Path.Combine(_dir, "zoo");
        var r = SlurmSubmission.Submit(study, dir, Options() with { WorkingDirectory = _dir }, force: false, dryRun: true);
        Assert.Null(r.ArrayJob);
        Assert.Equal(SlurmScripts.Array("zoo one", dir, Options() with { WorkingDirectory = _dir }), File.ReadAllText(r.ArrayScript));
        Assert.Equal("sbatch --parsable --dependency=afterok:<array job id> '" + SlurmScripts.MergePath(dir) + "'", r.Commands[1]);
        var recorded = Enumerable.Range(1, 3).SelectMany(i => ShardRecord.Read(SlurmScripts.ShardDir(dir, i))!.Units).OrderBy(x => x);
        Assert.Equal(StudyPlan.Expand(study).Select(u => u.Id).OrderBy(x => x), recorded);
        Assert.Equal(study.Canonical, File.ReadAllText(SlurmScripts.StudyPath(dir)).Trim());
        Assert.Equal(study.Canonical, File.ReadAllText(Path.Combine(dir, "study.json")).Trim());
        // the status reads the fresh directories: nothing done, everything left
        var status = StudyStatus.Read(dir);
        Assert.Equal(3, status.Shards.Count);
        Assert.Equal(5, status.Shards.Sum(s => s.Left));
        Assert.Equal(0, status.Shards.Sum(s => s.Done + s.Running + s.Failed));
    }

    [Fact]
    public void AOneTaskArrayRunsEveryModelInItsOneShard()
    {
        var study = StudyFile.Parse(Study, "zoo");
        string dir = Path.Combine(_dir, "one");
        var r = SlurmSubmission.Submit(study, dir, Options(1) with { WorkingDirectory = _dir }, force: false, dryRun: true);
        Assert.Contains("--array=1-1", Directives(File.ReadAllText(r.ArrayScript)));
        Assert.Equal(5, r.Balance.Units.Single().Count);
        Assert.Equal(5, StudyStatus.Read(dir).Shards.Single().Left);
    }

    [Theory]
    [InlineData("--tasks", "6", "more than the study's 5 models")]
    [InlineData("--time", "2 hours", "not a Slurm time")]
    [InlineData("--sbatch-arg", "mem=4G", "starting with '-'")]
    [InlineData("--partition", "a b", "not a partition name")]
    [InlineData("--cpus-per-task", "0", "--cpus-per-task must be at least 1")]
    public void BadSlurmOptionsExitWithTwoAndWriteNothing(string option, string value, string message)
    {
        string file = Path.Combine(_dir, "zoo.jsonc"), dir = Path.Combine(_dir, "out");
        File.WriteAllText(file, Study);
        var args = new List<string> { "study", file, "--out", dir, "--slurm", "--dry-run" };
        if (option != "--tasks") args.AddRange(["--tasks", "2"]);
        args.AddRange([option + "=" + value]);
        var (code, err) = Cli([.. args]);
        Assert.Equal(2, code);
        Assert.Contains(message, err);
        Assert.False(Directory.Exists(dir), "a refused submission wrote its directory");
    }

    [Fact]
    public void SlurmOptionsWithoutSlurmAreRefused()
    {
        var (code, err) = Cli("study", "x.jsonc", "--tasks", "3");
        Assert.Equal(2, code);
        Assert.Contains("--tasks goes with --slurm", err);
    }

    private static (int Code, string Err) Cli(params string[] args)
    {
        var root = new RootCommand("test");
        foreach (var c in Verbs.All()) root.Subcommands.Add(c);
        var err = new StringWriter();
        int code = CliRunner.Run(root, args, stdout: new StringWriter(), stderr: err);
        return (code, err.ToString());
    }

    private static (int Code, string Output) Bash(string command, Dictionary<string, string> env)
    {
        var psi = new ProcessStartInfo("bash", ["-c", command]) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var (k, v) in env) psi.Environment[k] = v;
        using var p = Process.Start(psi)!;
        var err = p.StandardError.ReadToEndAsync();
        string output = p.StandardOutput.ReadToEnd();
        p.WaitForExit();
        return (p.ExitCode, output + err.Result);
    }
}
