using System.Globalization;
using System.Text;
using FastRobust.Util;

namespace FastRobust.Bench;

/// <summary>What the gate concludes about one benchmark.</summary>
public enum Verdict
{
    /// <summary>Had a result in the base run and none in the new one: the benchmark broke. Fails the gate.</summary>
    Failed,

    /// <summary>Slower by more than the threshold, and the two confidence intervals do not overlap. Fails the gate.</summary>
    Regression,

    /// <summary>Faster by more than the threshold, and the two confidence intervals do not overlap.</summary>
    Faster,

    /// <summary>Beyond the threshold either way, but the intervals overlap (or one run has none): the runs' own noise.</summary>
    Noise,

    /// <summary>Within the threshold.</summary>
    Same,

    /// <summary>No result in either run, or none in the base run.</summary>
    NoResult,

    /// <summary>In the base run only (removed, renamed, or filtered out of the new run).</summary>
    OnlyInBase,

    /// <summary>In the new run only (a new benchmark).</summary>
    OnlyInNew,
}

/// <summary>One line of the comparison. Ratio is new time over base time (above 1: slower).</summary>
public sealed record BenchDelta(string Name, BenchResult? Base, BenchResult? New, double? Ratio, Verdict Verdict, string Note = "");

/// <summary>
/// The regression gate: two exported runs compared benchmark by benchmark on the mean time per operation. A
/// benchmark regresses when new/base exceeds 1 + threshold AND the 99.9% confidence intervals BenchmarkDotNet put
/// around the two means do not overlap; beyond the threshold with overlapping intervals is reported as noise. A
/// speed-up is the mirror image (base/new above 1 + threshold, intervals apart). The gate fails on a regression or
/// on a benchmark that had a result in the base run and has none in the new one.
/// </summary>
public sealed class BenchComparison
{
    private BenchComparison(BenchRun baseRun, BenchRun newRun, double threshold, IReadOnlyList<BenchDelta> rows)
    {
        Base = baseRun;
        New = newRun;
        Threshold = threshold;
        Rows = rows;
    }

    public BenchRun Base { get; }
    public BenchRun New { get; }

    /// <summary>The relative slowdown tolerated, e.g. 0.10 for 10%.</summary>
    public double Threshold { get; }

    /// <summary>Failures and regressions first, then speed-ups, noise, unchanged, and benchmarks of one run only.</summary>
    public IReadOnlyList<BenchDelta> Rows { get; }

    public bool Passed => !Rows.Any(r => r.Verdict is Verdict.Regression or Verdict.Failed);

    public int Count(Verdict v) => Rows.Count(r => r.Verdict == v);

    public static BenchComparison Compare(BenchRun baseRun, BenchRun newRun, double threshold)
    {
        if (!(threshold > 0) || !double.IsFinite(threshold)) throw new ArgumentOutOfRangeException(nameof(threshold), "the threshold must be positive");
        var newByKey = newRun.Results.ToDictionary(r => r.Key, StringComparer.Ordinal);
        var baseKeys = baseRun.Results.Select(r => r.Key).ToHashSet(StringComparer.Ordinal);
        if (!baseRun.Results.Any(b => newByKey.ContainsKey(b.Key)))
            throw new InputException($"{baseRun.Source} and {newRun.Source} share no benchmark: there is nothing to compare (runs of different suites, or filtered apart?)");
        var rows = new List<BenchDelta>();
        foreach (var b in baseRun.Results)
            rows.Add(newByKey.TryGetValue(b.Key, out var n) ? Judge(b, n, threshold) : new BenchDelta(b.Name, b, null, null, Verdict.OnlyInBase));
        foreach (var n in newRun.Results)
            if (!baseKeys.Contains(n.Key))
                rows.Add(new BenchDelta(n.Name, null, n, null, Verdict.OnlyInNew));
        var ordered = rows
            .OrderBy(r => r.Verdict)
            .ThenByDescending(r => r.Verdict == Verdict.Faster ? -(r.Ratio ?? 0) : r.Ratio ?? 0)
            .ThenBy(r => r.Name, StringComparer.Ordinal)
            .ToList();
        return new BenchComparison(baseRun, newRun, threshold, ordered);
    }

    public static BenchDelta Judge(BenchResult b, BenchResult n, double threshold)
    {
        if (!n.HasMean) return new BenchDelta(b.Name, b, n, null, b.HasMean ? Verdict.Failed : Verdict.NoResult, "no result in the new run");
        if (!b.HasMean) return new BenchDelta(b.Name, b, n, null, Verdict.NoResult, "no result in the base run");
        double ratio = n.MeanNs!.Value / b.MeanNs!.Value;
        bool slower = ratio > 1 + threshold, faster = 1 / ratio > 1 + threshold;
        if (!slower && !faster) return new BenchDelta(b.Name, b, n, ratio, Verdict.Same);
        if (!b.HasInterval || !n.HasInterval)
            return new BenchDelta(b.Name, b, n, ratio, Verdict.Noise, "no confidence interval (a single measurement?)");
        bool overlap = n.LowerNs <= b.UpperNs && b.LowerNs <= n.UpperNs;
        if (overlap) return new BenchDelta(b.Name, b, n, ratio, Verdict.Noise, "confidence intervals overlap");
        return new BenchDelta(b.Name, b, n, ratio, slower ? Verdict.Regression : Verdict.Faster);
    }

    /// <summary>"10%", "10 %" or "0.1" → 0.1; anything else, or a value outside (0, 1000%], is an input error.</summary>
    public static double ParseThreshold(string text)
    {
        string s = text.Trim();
        bool percent = s.EndsWith('%');
        if (percent) s = s[..^1].TrimEnd();
        if (!double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out double v) || !double.IsFinite(v))
            throw new InputException($"--threshold: '{text}' is not a number or a percentage (e.g. 10%)");
        if (percent) v /= 100;
        if (v <= 0 || v > 10) throw new InputException($"--threshold: '{text}' must be above 0 and at most 1000%");
        return v;
    }

    public static string Label(Verdict v) => v switch
    {
        Verdict.Failed => "FAILED",
        Verdict.Regression => "REGRESSION",
        Verdict.Faster => "faster",
        Verdict.Noise => "noise",
        Verdict.Same => "same",
        Verdict.NoResult => "no result",
        Verdict.OnlyInBase => "only in base",
        Verdict.OnlyInNew => "only in new",
        _ => v.ToString(),
    };

    /// <summary>The report: the two runs, a markdown table (benchmark, base, new, ratio, verdict) and a one-line tally.</summary>
    public string Report()
    {
        var sb = new StringBuilder();
        sb.AppendLine($"base: {Base.Source} ({Base.Machine})");
        sb.AppendLine($"new:  {New.Source} ({New.Machine})");
        if (Base.Machine != New.Machine)
            sb.AppendLine("note: the runs come from different machines, so the ratios compare the machines as much as the code");
        sb.AppendLine();
        var table = new List<string[]> { new[] { "benchmark", "base", "new", "ratio", "verdict" } };
        foreach (var r in Rows)
            table.Add([
                r.Name, Time(r.Base), Time(r.New),
                r.Ratio is { } q ? FormattableString.Invariant($"{q:F2} ({(q - 1) * 100:+0.0;-0.0}%)") : "",
                Label(r.Verdict) + (r.Note.Length > 0 && r.Verdict is Verdict.Noise or Verdict.Failed or Verdict.NoResult ? $": {r.Note}" : ""),
            ]);
        int[] width = Enumerable.Range(0, 5).Select(c => table.Max(row => row[c].Length)).ToArray();
        for (int i = 0; i < table.Count; i++)
        {
            var row = table[i];
            sb.Append('|');
            for (int c = 0; c < 5; c++)
                sb.Append(' ').Append(c is 1 or 2 or 3 ? row[c].PadLeft(width[c]) : row[c].PadRight(width[c])).Append(" |");
            sb.AppendLine();
            if (i == 0)
            {
                sb.Append('|');
                for (int c = 0; c < 5; c++) sb.Append(c is 1 or 2 or 3 ? new string('-', width[c] + 1) + ":|" : new string('-', width[c] + 2) + "|");
                sb.AppendLine();
            }
        }
        sb.AppendLine();
        sb.AppendLine(Tally());
        return sb.ToString();
    }

    public string Tally()
    {
        string t = FormattableString.Invariant($"{Threshold * 100:0.##}%");
        var parts = new[] { Verdict.Failed, Verdict.Regression, Verdict.Faster, Verdict.Noise, Verdict.Same, Verdict.NoResult, Verdict.OnlyInBase, Verdict.OnlyInNew }
            .Where(v => Count(v) > 0 || v is Verdict.Regression)
            .Select(v => $"{Count(v)} {Label(v).ToLowerInvariant()}");
        return $"{Rows.Count} benchmarks, threshold {t}: {string.Join(", ", parts)} => {(Passed ? "PASS" : "FAIL")}";
    }

    /// <summary>"12.34 ms ±0.21" (mean and half-width of the interval), in the unit that suits the mean.</summary>
    public static string Time(BenchResult? r)
    {
        if (r == null) return "";
        if (r.MeanNs is not { } mean) return "failed";
        var (scale, unit) = mean switch
        {
            >= 1e9 => (1e-9, "s"),
            >= 1e6 => (1e-6, "ms"),
            >= 1e3 => (1e-3, "μs"),
            _ => (1.0, "ns"),
        };
        string s = FormattableString.Invariant($"{mean * scale:F2} {unit}");
        if (r.HasInterval) s += FormattableString.Invariant($" ±{(r.UpperNs!.Value - r.LowerNs!.Value) / 2 * scale:F2}");
        return s;
    }
}
