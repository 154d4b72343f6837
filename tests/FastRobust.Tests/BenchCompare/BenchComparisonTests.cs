using FastRobust.Bench;
using FastRobust.Util;
using Xunit;
using static FastRobust.Tests.Cli.CliHarness;

namespace FastRobust.Tests.BenchCompare;

/// <summary>The regression gate (bench-compare) on hand-made result files: verdicts, exit codes and errors.</summary>
public sealed class BenchComparisonTests : IDisposable
{
    private const string Conv = "ConvBenchmarks.Forward";
    private const string Conv2 = "Layer: \"conv2\", Batch: 128, Device: \"cpu\"";
    private const string Gemm = "GemmBenchmarks.Gemm";

    private readonly ResultFiles _files = new();

    public void Dispose() => _files.Dispose();

    private BenchComparison Compare(HandMade b, HandMade n, double threshold = 0.10) =>
        BenchComparison.Compare(BenchRun.Read(_files.Write("base.json", b)), BenchRun.Read(_files.Write("new.json", n)), threshold);

    [Fact]
    public void TwentyPercentSlowdownOutsideTheNoiseIsARegression()
    {
        var b = new HandMade(Conv, Conv2, 10.0, 9.9, 10.1);
        var n = new HandMade(Conv, Conv2, 12.0, 11.9, 12.1);
        var cmp = Compare(b, n);
        var row = Assert.Single(cmp.Rows);
        Assert.Equal(Verdict.Regression, row.Verdict);
        Assert.Equal(1.2, row.Ratio!.Value, 9);
        Assert.False(cmp.Passed);

        var (code, output, _) = Run("bench-compare", _files.Path("base.json"), _files.Path("new.json"), "--threshold", "10%");
        Assert.Equal(1, code);
        Assert.Contains("| ConvBenchmarks.Forward(Layer: \"conv2\", Batch: 128, Device: \"cpu\") |", output);
        Assert.Contains("10.00 ms ±0.10", output);
        Assert.Contains("12.00 ms ±0.10", output);
        Assert.Contains("1.20 (+20.0%)", output);
        Assert.Contains("REGRESSION", output);
        Assert.Contains("=> FAIL", output);
    }

    [Fact]
    public void TwentyPercentSlowdownInsideWideIntervalsIsNoise()
    {
        var b = new HandMade(Conv, Conv2, 10.0, 8.0, 12.0);
        var n = new HandMade(Conv, Conv2, 12.0, 9.5, 14.5);
        var cmp = Compare(b, n);
        Assert.Equal(Verdict.Noise, Assert.Single(cmp.Rows).Verdict);
        Assert.True(cmp.Passed);

        var (code, output, _) = Run("bench-compare", _files.Path("base.json"), _files.Path("new.json"), "--threshold", "10%");
        Assert.Equal(0, code);
        Assert.Contains("noise: confidence intervals overlap", output);
        Assert.Contains("=> PASS", output);
    }

    [Fact]
    public void SpeedUpIsReportedAsSuch()
    {
        var b = new HandMade(Conv, Conv2, 10.0, 9.9, 10.1);
        var n = new HandMade(Conv, Conv2, 8.0, 7.9, 8.1);
        var row = Assert.Single(Compare(b, n).Rows);
        Assert.Equal(Verdict.Faster, row.Verdict);
        Assert.Equal(0.8, row.Ratio!.Value, 9);

        var (code, output, _) = Run("bench-compare", _files.Path("base.json"), _files.Path("new.json"));
        Assert.Equal(0, code);
        Assert.Contains("0.80 (-20.0%) | faster", output);
        Assert.Contains("1 faster", output);
    }

    [Fact]
    public void SlowdownWithinTheThresholdIsTheSameEvenWhenTheIntervalsAreApart()
    {
        var row = Assert.Single(Compare(new HandMade(Conv, Conv2, 10.0, 9.99, 10.01), new HandMade(Conv, Conv2, 10.5, 10.49, 10.51)).Rows);
        Assert.Equal(Verdict.Same, row.Verdict);
        // ... and a tighter threshold turns the same pair into a regression
        Assert.Equal(Verdict.Regression, Assert.Single(Compare(new HandMade(Conv, Conv2, 10.0, 9.99, 10.01), new HandMade(Conv, Conv2, 10.5, 10.49, 10.51), 0.03).Rows).Verdict);
    }

    [Fact]
    public void BenchmarkPresentInOnlyOneRunIsListed()
    {
        string baseFile = _files.Write("base.json",
            new HandMade(Conv, Conv2, 10.0, 9.9, 10.1),
            new HandMade(Gemm, "Shape: \"fc1.fwd\", Device: \"cpu\"", 1.0, 0.99, 1.01));
        string newFile = _files.Write("new.json",
            new HandMade(Conv, Conv2, 10.1, 10.0, 10.2),
            new HandMade(Gemm, "Shape: \"square1024\", Device: \"cpu\"", 5.0, 4.9, 5.1));
        var cmp = BenchComparison.Compare(BenchRun.Read(baseFile), BenchRun.Read(newFile), 0.1);
        Assert.Equal(3, cmp.Rows.Count);
        Assert.Equal(Verdict.Same, cmp.Rows.Single(r => r.Name.StartsWith(Conv)).Verdict);
        Assert.Equal(Verdict.OnlyInBase, cmp.Rows.Single(r => r.Name.Contains("fc1.fwd")).Verdict);
        Assert.Equal(Verdict.OnlyInNew, cmp.Rows.Single(r => r.Name.Contains("square1024")).Verdict);
        Assert.True(cmp.Passed);

        var (code, output, _) = Run("bench-compare", baseFile, newFile);
        Assert.Equal(0, code);
        Assert.Matches(@"GemmBenchmarks\.Gemm\(Shape: ""fc1\.fwd"", Device: ""cpu""\)\s+\|\s+1\.00 ms ±0\.01 \|\s+\|\s+\| only in base", output);
        Assert.Matches(@"GemmBenchmarks\.Gemm\(Shape: ""square1024"", Device: ""cpu""\)\s+\|\s+\|\s+5\.00 ms ±0\.10 \|\s+\| only in new", output);
        Assert.Contains("1 only in base, 1 only in new", output);
    }

    [Fact]
    public void BenchmarkThatBrokeFailsTheGate()
    {
        var cmp = Compare(new HandMade(Conv, Conv2, 10.0, 9.9, 10.1), new HandMade(Conv, Conv2, null));
        Assert.Equal(Verdict.Failed, Assert.Single(cmp.Rows).Verdict);
        Assert.False(cmp.Passed);
        Assert.Equal(1, Run("bench-compare", _files.Path("base.json"), _files.Path("new.json")).Code);
    }

    [Fact]
    public void SingleMeasurementRunsHaveNoIntervalAndAreNeverARegression()
    {
        // the Dry job: N = 1, and BenchmarkDotNet writes the undefined interval bounds as ""
        var cmp = Compare(new HandMade(Conv, Conv2, 10.0, N: 1), new HandMade(Conv, Conv2, 20.0, N: 1));
        var row = Assert.Single(cmp.Rows);
        Assert.Null(row.Base!.LowerNs);
        Assert.Equal(Verdict.Noise, row.Verdict);
        Assert.True(cmp.Passed);
    }

    [Fact]
    public void MalformedFilesGetAClearErrorAndExitCodeTwo()
    {
        string good = _files.Write("good.json", new HandMade(Conv, Conv2, 10.0, 9.9, 10.1));
        var cases = new (string Name, string Text, string Expect)[]
        {
            ("truncated.json", ResultFiles.Export([new HandMade(Conv, Conv2, 10.0, 9.9, 10.1)])[..200], "not valid JSON"),
            ("other.json", """{"train_img_per_s": 812.5, "infer_img_per_s": 2400}""", "not a BenchmarkDotNet JSON export"),
            ("empty.json", """{"Benchmarks": []}""", "holds no benchmarks"),
            ("noname.json", """{"Benchmarks": [{"Statistics": {"Mean": 1}}]}""", "benchmark #1 has no \"FullName\""),
            ("badmean.json", ResultFiles.Export([new HandMade(Conv, Conv2, 10.0, 9.9, 10.1)]).Replace("\"Mean\":10000000", "\"Mean\":\"fast\""), "\"Mean\" is not a number"),
            ("twice.json", ResultFiles.Export([new HandMade(Conv, Conv2, 10.0, 9.9, 10.1), new HandMade(Conv, Conv2, 11.0, 10.9, 11.1)]), "appears more than once"),
        };
        foreach (var (name, text, expect) in cases)
        {
            string bad = _files.WriteText(name, text);
            var e = Assert.Throws<InputException>(() => BenchRun.Read(bad));
            Assert.Contains(bad, e.Message);
            Assert.Contains(expect, e.Message);

            var (code, output, err) = Run("bench-compare", good, bad);
            Assert.Equal(2, code);
            Assert.Equal("", output);
            Assert.Equal($"error: {e.Message}", err.TrimEnd('\n', '\r'));
        }
        var missing = Run("bench-compare", _files.Path("nowhere.json"), good);
        Assert.Equal(2, missing.Code);
        Assert.Contains("nowhere.json: no such file", missing.Err);
    }

    [Fact]
    public void ThresholdIsAPercentageOrAFraction()
    {
        Assert.Equal(0.10, BenchComparison.ParseThreshold("10%"), 12);
        Assert.Equal(0.05, BenchComparison.ParseThreshold("5 %"), 12);
        Assert.Equal(0.10, BenchComparison.ParseThreshold("0.1"), 12);
        foreach (string bad in new[] { "ten", "0%", "-5%", "2000%", "" })
            Assert.Throws<InputException>(() => BenchComparison.ParseThreshold(bad));
        string f = _files.Write("a.json", new HandMade(Conv, Conv2, 10.0, 9.9, 10.1));
        var (code, _, err) = Run("bench-compare", f, f, "--threshold", "lots");
        Assert.Equal(2, code);
        Assert.Contains("--threshold", err);
    }

    [Fact]
    public void ADirectoryStandsForTheExportsInIt()
    {
        string dir = _files.Path("results");
        Directory.CreateDirectory(dir);
        File.WriteAllText(Path.Combine(dir, "FastRobust.Bench.ConvBenchmarks-report-full.json"), ResultFiles.Export([new HandMade(Conv, Conv2, 10.0, 9.9, 10.1)]));
        File.WriteAllText(Path.Combine(dir, "FastRobust.Bench.GemmBenchmarks-report-full.json"), ResultFiles.Export([new HandMade(Gemm, "Shape: \"fc1.fwd\", Device: \"cpu\"", 1.0, 0.99, 1.01)]));
        var run = BenchRun.Read(dir);
        Assert.Equal(2, run.Results.Count);
    }
}
