using System.CommandLine;
using FastRobust.Bench;

namespace FastRobust.Cli.Commands;

/// <summary>
/// ./run.sh bench-compare BASE.json NEW.json --threshold 10%: the regression gate over two exported runs of the
/// BenchmarkDotNet suite (bench/README.md). Exit 0: no regression; 1: a regression beyond the runs' noise, or a
/// benchmark that broke; 2: a file that is not a BenchmarkDotNet JSON export, or a bad option.
/// </summary>
public static class BenchCompareCommand
{
    public const int RegressionExitCode = 1;

    public static Command Create()
    {
        var baseArg = new Argument<string>("BASE") { Description = "The reference run: a BenchmarkDotNet JSON export (e.g. bench/baselines/*.json), or a directory of them" };
        var newArg = new Argument<string>("NEW") { Description = "The run to judge, in the same form" };
        var threshold = new Option<string>("--threshold")
        {
            Description = "Slowdown tolerated before a benchmark can regress: a percentage (10%) or a fraction (0.1). " +
                          "Beyond it, a benchmark regresses only when the two runs' 99.9% confidence intervals do not overlap (else: noise)",
            DefaultValueFactory = _ => "10%",
        };
        var cmd = new Command("bench-compare",
            "Compare two runs of the benchmark suite benchmark by benchmark (base, new, ratio, verdict); exit 1 on a regression beyond the runs' noise")
        {
            baseArg, newArg, threshold,
        };
        cmd.SetAction(r =>
        {
            double t = BenchComparison.ParseThreshold(r.GetValue(threshold)!);
            var baseRun = BenchRun.Read(r.GetValue(baseArg)!);
            var newRun = BenchRun.Read(r.GetValue(newArg)!);
            var cmp = BenchComparison.Compare(baseRun, newRun, t);
            r.InvocationConfiguration.Output.Write(cmp.Report());
            return cmp.Passed ? 0 : RegressionExitCode;
        });
        return cmd;
    }
}
