using System.Globalization;
using System.Text.Json;
using FastRobust.Util;

namespace FastRobust.Bench;

/// <summary>
/// One benchmark of an exported run: its mean time per operation and the confidence interval BenchmarkDotNet put
/// around that mean (nanoseconds). A benchmark that failed has no mean; one measured once (the Dry job) has no
/// interval.
/// </summary>
public sealed record BenchResult(string Key, string Name, double? MeanNs, double? LowerNs, double? UpperNs, int N)
{
    public bool HasMean => MeanNs is not null;
    public bool HasInterval => LowerNs is not null && UpperNs is not null;
}

/// <summary>
/// A run of the suite as BenchmarkDotNet's JSON exporter wrote it (JsonExporter.Full or .Brief: the
/// "Benchmarks" array with FullName and Statistics.Mean / Statistics.ConfidenceInterval, and HostEnvironmentInfo).
/// A directory stands for every *-report-full.json (else every *.json) in it, merged.
/// </summary>
public sealed record BenchRun(string Source, string Machine, IReadOnlyList<BenchResult> Results)
{
    public static BenchRun Read(string path)
    {
        if (Directory.Exists(path))
        {
            var files = Directory.GetFiles(path, "*-report-full.json");
            if (files.Length == 0) files = Directory.GetFiles(path, "*.json");
            if (files.Length == 0) throw new InputException($"{path}: no BenchmarkDotNet JSON export (*.json) in this directory");
            Array.Sort(files, StringComparer.Ordinal);
            var runs = files.Select(ReadFile).ToList();
            var all = runs.SelectMany(r => r.Results).ToList();
            CheckUnique(path, all);
            return new BenchRun(path, string.Join(" | ", runs.Select(r => r.Machine).Distinct()), all);
        }
        return ReadFile(path);
    }

    private static BenchRun ReadFile(string path)
    {
        if (!File.Exists(path)) throw new InputException($"{path}: no such file");
        JsonDocument doc;
        try
        {
            using var stream = File.OpenRead(path);
            doc = JsonInput.ParseDocument(stream, path, "the benchmark export");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { throw new InputException($"{path}: cannot read ({e.Message})"); }
        using (doc)
        {
            var root = doc.RootElement;
            if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("Benchmarks", out var list) || list.ValueKind != JsonValueKind.Array)
                throw new InputException($"{path}: not a BenchmarkDotNet JSON export (no \"Benchmarks\" array at the top level)");
            var results = new List<BenchResult>();
            int i = 0;
            foreach (var b in list.EnumerateArray())
            {
                results.Add(ReadBenchmark(path, i, b));
                i++;
            }
            if (results.Count == 0) throw new InputException($"{path}: the run holds no benchmarks");
            CheckUnique(path, results);
            return new BenchRun(path, MachineOf(root), results);
        }
    }

    private static BenchResult ReadBenchmark(string path, int index, JsonElement b)
    {
        if (b.ValueKind != JsonValueKind.Object)
            throw new InputException($"{path}: benchmark #{index + 1} is not a JSON object");
        if (!b.TryGetProperty("FullName", out var fn) || fn.ValueKind != JsonValueKind.String || string.IsNullOrWhiteSpace(fn.GetString()))
            throw new InputException($"{path}: benchmark #{index + 1} has no \"FullName\"");
        string key = fn.GetString()!;
        string name = key;
        if (b.TryGetProperty("Namespace", out var ns) && ns.ValueKind == JsonValueKind.String && ns.GetString() is { Length: > 0 } prefix
            && key.StartsWith(prefix + ".", StringComparison.Ordinal))
            name = key[(prefix.Length + 1)..];
        if (!b.TryGetProperty("Statistics", out var st) || st.ValueKind == JsonValueKind.Null)
            return new BenchResult(key, name, null, null, null, 0);   // the benchmark failed: BenchmarkDotNet writes null
        if (st.ValueKind != JsonValueKind.Object)
            throw new InputException($"{path}: benchmark '{name}': \"Statistics\" is not an object");
        double? mean = Number(path, name, st, "Mean");
        if (mean is not > 0)
            throw new InputException($"{path}: benchmark '{name}': \"Statistics\" has no positive \"Mean\" (nanoseconds)");
        int n = Number(path, name, st, "N") is { } nv ? (int)nv : 0;
        double? lo = null, hi = null;
        if (st.TryGetProperty("ConfidenceInterval", out var ci) && ci.ValueKind == JsonValueKind.Object)
        {
            lo = Number(path, name, ci, "Lower");
            hi = Number(path, name, ci, "Upper");
            if (lo is { } l && hi is { } h && l > h)
                throw new InputException($"{path}: benchmark '{name}': confidence interval [{l}, {h}] has its bounds reversed");
            if (lo is null || hi is null) lo = hi = null;
        }
        return new BenchResult(key, name, mean, lo, hi, n);
    }

    /// <summary>A number, or null where BenchmarkDotNet writes an undefined value (NaN becomes "" in its JSON).</summary>
    private static double? Number(string path, string name, JsonElement obj, string field)
    {
        if (!obj.TryGetProperty(field, out var v) || v.ValueKind == JsonValueKind.Null) return null;
        if (v.ValueKind == JsonValueKind.Number) return v.GetDouble();
        if (v.ValueKind == JsonValueKind.String)
        {
            string s = v.GetString()!.Trim();
            if (s.Length == 0 || s.Equals("NaN", StringComparison.OrdinalIgnoreCase)) return null;
            if (double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out double d) && double.IsFinite(d)) return d;
        }
        throw new InputException($"{path}: benchmark '{name}': \"{field}\" is not a number");
    }

    private static void CheckUnique(string source, IEnumerable<BenchResult> results)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var r in results)
            if (!seen.Add(r.Key))
                throw new InputException($"{source}: benchmark '{r.Name}' appears more than once (a run of several jobs? compare runs of one job)");
    }

    private static string MachineOf(JsonElement root)
    {
        if (!root.TryGetProperty("HostEnvironmentInfo", out var h) || h.ValueKind != JsonValueKind.Object) return "unknown machine";
        string S(string f) => h.TryGetProperty(f, out var v) && v.ValueKind is JsonValueKind.String or JsonValueKind.Number ? v.ToString() : "?";
        return $"{S("ProcessorName")}, {S("LogicalCoreCount")} logical cores, {S("OsVersion")}, {S("RuntimeVersion")}";
    }
}
