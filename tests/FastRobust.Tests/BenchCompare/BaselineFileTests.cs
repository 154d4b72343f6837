using FastRobust.Bench;
using Xunit;

namespace FastRobust.Tests.BenchCompare;

/// <summary>The committed baseline (bench/baselines/) is a real BenchmarkDotNet export that the gate reads.</summary>
public sealed class BaselineFileTests
{
    [Fact]
    public void TheCommittedBaselineIsARealExportThatMatchesItself()
    {
        string baselines = Path.Combine(RepoRoot(), "bench", "baselines");
        var files = Directory.GetFiles(baselines, "*.json");
        Assert.NotEmpty(files);
        foreach (string f in files)
        {
            var run = BenchRun.Read(f);
            Assert.All(run.Results, r => Assert.True(r.HasMean && r.HasInterval && r.LowerNs <= r.MeanNs && r.MeanNs <= r.UpperNs, r.Name));
            Assert.Contains(run.Results, r => r.Name.StartsWith("StepBenchmarks.TrainStep", StringComparison.Ordinal));
            Assert.Contains("Intel Xeon Processor, 2 logical cores", run.Machine);
            var cmp = BenchComparison.Compare(run, run, 0.10);
            Assert.True(cmp.Passed);
            Assert.All(cmp.Rows, r => Assert.Equal(Verdict.Same, r.Verdict));
        }
    }

    private static string RepoRoot()
    {
        for (var d = new DirectoryInfo(AppContext.BaseDirectory); d != null; d = d.Parent)
            if (File.Exists(Path.Combine(d.FullName, "FastRobust.sln"))) return d.FullName;
        throw new DirectoryNotFoundException("FastRobust.sln not found above " + AppContext.BaseDirectory);
    }
}
