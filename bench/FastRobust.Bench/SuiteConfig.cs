using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Diagnosers;
using BenchmarkDotNet.Exporters;
using BenchmarkDotNet.Exporters.Json;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Loggers;
using BenchmarkDotNet.Order;
using BenchmarkDotNet.Reports;
using Perfolizer.Horology;

namespace FastRobust.Bench;

/// <summary>
/// The suite's jobs and what every run reports. All jobs run one launch (so the diagnoser's per-launch metrics
/// describe the whole run), with the CLI's GC settings and without overhead evaluation (every operation here takes
/// microseconds to seconds, so the empty-method overhead is below the noise).
/// <list type="bullet">
/// <item><c>ci</c>: short enough for a 2-core CI runner (the whole suite in about five minutes): 2 warm-up and 7
/// measured iterations of ~200 ms.</item>
/// <item><c>full</c>: real measurements: 3 warm-up iterations, then 15 to 40 iterations of ~500 ms until the 99.9%
/// confidence interval is within ±2% of the mean.</item>
/// <item><c>dry</c>: BenchmarkDotNet's Dry job: every benchmark runs once (cold), so a broken benchmark fails; no
/// measurement is worth reading.</item>
/// </list>
/// Every job exports JSON (full: statistics, confidence intervals and every measurement) for <c>bench-compare</c>,
/// and a GitHub-markdown table.
/// </summary>
public static class SuiteConfig
{
    public static readonly string[] JobNames = ["ci", "full", "dry"];

    public static Job JobFor(string name)
    {
        var common = Job.Default.WithLaunchCount(1).WithGcServer(false).WithGcConcurrent(false).WithEvaluateOverhead(false);
        return name switch
        {
            "ci" => common.WithId("ci").WithWarmupCount(2).WithIterationCount(7).WithIterationTime(TimeInterval.FromMilliseconds(200)),
            "full" => common.WithId("full").WithWarmupCount(3).WithMinIterationCount(15).WithMaxIterationCount(40)
                .WithIterationTime(TimeInterval.FromMilliseconds(500)).WithMaxRelativeError(0.02),
            "dry" => Job.Dry.WithId("dry").WithGcServer(false).WithGcConcurrent(false),
            _ => throw new ArgumentException($"unknown job '{name}': expected {string.Join(", ", JobNames)}"),
        };
    }

    public static IConfig Create(string job, string? artifacts)
    {
        var config = ManualConfig.CreateEmpty()
            .AddJob(JobFor(job))
            .AddColumnProvider(DefaultColumnProviders.Instance)
            .AddLogger(ConsoleLogger.Default)
            .AddDiagnoser(MemoryDiagnoser.Default)
            .AddDiagnoser(WorkloadDiagnoser.Default)
            .AddExporter(JsonExporter.Full)
            .AddExporter(MarkdownExporter.GitHub)
            .WithSummaryStyle(SummaryStyle.Default.WithZeroMetricValuesInContent())
            .WithOrderer(new DefaultOrderer(SummaryOrderPolicy.Declared))
            .AddAnalyser(DefaultConfig.Instance.GetAnalysers().ToArray())
            .AddValidator(DefaultConfig.Instance.GetValidators().ToArray())
            .WithOptions(ConfigOptions.JoinSummary);
        if (artifacts != null) config = config.WithArtifactsPath(artifacts);
        return config;
    }
}
