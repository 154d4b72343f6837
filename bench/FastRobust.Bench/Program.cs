using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;

namespace FastRobust.Bench;

/// <summary>
/// dotnet run -c Release --project bench/FastRobust.Bench -- --job ci|full|dry [--out RESULT.json] [BenchmarkDotNet
/// options, e.g. --filter '*Conv*']. Runs the suite as one joined summary, copies its full JSON export to --out when
/// given, and exits 1 when any benchmark failed or none ran (so CI notices a broken benchmark), 2 on bad arguments.
/// </summary>
public static class Program
{
    public static int Main(string[] args)
    {
        string job = "ci";
        string? outPath = null, artifacts = null;
        var rest = new List<string>();
        for (int i = 0; i < args.Length; i++)
        {
            string a = args[i];
            string Value() => i + 1 < args.Length ? args[++i] : throw new ArgumentException($"{a} needs a value");
            try
            {
                switch (a)
                {
                    case "--job": job = Value().ToLowerInvariant(); break;
                    case "--out": outPath = Path.GetFullPath(Value()); break;
                    case "--artifacts": artifacts = Path.GetFullPath(Value()); break;
                    default: rest.Add(a); break;
                }
            }
            catch (ArgumentException e)
            {
                Console.Error.WriteLine($"error: {e.Message}");
                return 2;
            }
        }
        if (!SuiteConfig.JobNames.Contains(job))
        {
            Console.Error.WriteLine($"error: unknown --job '{job}': expected {string.Join(", ", SuiteConfig.JobNames)}");
            return 2;
        }
        // listing or help runs nothing, and that is not a failure
        bool informational = rest.Any(a => a is "--list" or "--help" or "-h" or "-?" or "--version" or "--info");
        if (!rest.Contains("--filter") && !informational) rest.AddRange(["--filter", "*"]);

        Console.WriteLine($"// FastRobust suite: job {job}, devices {string.Join(", ", BenchDevices.Available)}" +
                          (BenchDevices.CudaAbsentReason is { } why ? $" (no cuda cases: {why})" : ""));
        var started = DateTime.UtcNow.AddSeconds(-1);
        var summaries = BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly)
            .Run([.. rest], SuiteConfig.Create(job, artifacts))
            .ToList();

        if (informational) return 0;
        var reports = summaries.SelectMany(s => s.Reports).ToList();
        var failed = reports.Where(r => !r.Success).Select(r => r.BenchmarkCase.DisplayInfo).ToList();
        bool invalid = summaries.Any(s => s.HasCriticalValidationErrors);
        if (outPath != null) CopyJson(summaries, started, outPath);
        Console.WriteLine($"// FastRobust suite: {reports.Count - failed.Count} of {reports.Count} benchmarks ran" +
                          (outPath != null ? $"; JSON at {outPath}" : ""));
        foreach (var f in failed) Console.Error.WriteLine($"error: benchmark failed: {f}");
        if (invalid) Console.Error.WriteLine("error: the suite did not pass BenchmarkDotNet's validation (see the log above)");
        if (reports.Count == 0) Console.Error.WriteLine("error: no benchmark ran (check --filter)");
        return failed.Count > 0 || invalid || reports.Count == 0 ? 1 : 0;
    }

    /// <summary>Copies the joined run's full JSON export (the file bench-compare reads) to <paramref name="outPath"/>.</summary>
    private static void CopyJson(IReadOnlyList<Summary> summaries, DateTime started, string outPath)
    {
        // one joined summary, so one export: the newest full JSON written since the run started
        var json = summaries.Select(s => s.ResultsDirectoryPath).Where(Directory.Exists).Distinct()
            .SelectMany(d => Directory.GetFiles(d, "*-report-full.json"))
            .Where(f => File.GetLastWriteTimeUtc(f) >= started)
            .OrderByDescending(File.GetLastWriteTimeUtc)
            .FirstOrDefault();
        if (json == null)
        {
            Console.Error.WriteLine($"error: no JSON export found to copy to {outPath}");
            return;
        }
        Directory.CreateDirectory(Path.GetDirectoryName(outPath)!);
        File.Copy(json, outPath, overwrite: true);
    }
}
