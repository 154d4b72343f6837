using System.Globalization;
using System.Text;

namespace FastRobust.Tests.BenchCompare;

/// <summary>One hand-made benchmark: a mean and a confidence interval in milliseconds (null: BenchmarkDotNet's "" for NaN).</summary>
public sealed record HandMade(string Method, string Parameters, double? MeanMs, double? LowerMs = null, double? UpperMs = null, int N = 7);

/// <summary>
/// Writes hand-made result files in the shape of BenchmarkDotNet 0.15's JsonExporter.Full (the fields bench-compare
/// reads, laid out as a real export lays them out, with NaN written as "" the way BenchmarkDotNet writes it; a
/// failed benchmark has "Statistics": null), into a temporary folder that is deleted afterwards.
/// </summary>
public sealed class ResultFiles : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("fr-bench-compare-").FullName;

    public string Path(string name) => System.IO.Path.Combine(_dir, name);

    public string Write(string name, params HandMade[] benchmarks) => WriteText(name, Export(benchmarks));

    public string WriteText(string name, string text)
    {
        string p = Path(name);
        File.WriteAllText(p, text);
        return p;
    }

    public void Dispose() => Directory.Delete(_dir, true);

    public static string Export(IEnumerable<HandMade> benchmarks, string processor = "Intel Xeon Processor")
    {
        static string Ns(double? ms) => ms is { } v ? (v * 1e6).ToString("R", CultureInfo.InvariantCulture) : "\"\"";
        var sb = new StringBuilder();
        sb.Append($$"""
            {
               "Title":"BenchmarkRun-joined-2026-01-01-00-00-00",
               "HostEnvironmentInfo":{
                  "BenchmarkDotNetCaption":"BenchmarkDotNet",
                  "BenchmarkDotNetVersion":"0.15.8",
                  "OsVersion":"Linux Debian GNU/Linux 12 (bookworm)",
                  "ProcessorName":"{{processor}}",
                  "PhysicalProcessorCount":1,
                  "PhysicalCoreCount":2,
                  "LogicalCoreCount":2,
                  "RuntimeVersion":".NET 10.0.12 (10.0.12, 10.0.1226.42308)",
                  "Architecture":"X64",
                  "Configuration":"RELEASE"
               },
               "Benchmarks":[
            """);
        bool first = true;
        foreach (var b in benchmarks)
        {
            if (!first) sb.Append(',');
            first = false;
            string fullName = $"FastRobust.Bench.{b.Method}({b.Parameters})";
            string stats = b.MeanMs is null
                ? "null"
                : $$"""
                  {
                     "OriginalValues":[{{Ns(b.MeanMs)}}],
                     "N":{{b.N}},
                     "Mean":{{Ns(b.MeanMs)}},
                     "Median":{{Ns(b.MeanMs)}},
                     "ConfidenceInterval":{
                        "N":{{b.N}},
                        "Mean":{{Ns(b.MeanMs)}},
                        "Level":12,
                        "Margin":{{(b.LowerMs is { } l && b.UpperMs is { } u ? Ns((u - l) / 2) : "\"\"")}},
                        "Lower":{{Ns(b.LowerMs)}},
                        "Upper":{{Ns(b.UpperMs)}}
                     }
                  }
                  """;
            sb.Append($$"""

                  {
                     "DisplayInfo":"{{b.Method}}: ci(...)",
                     "Namespace":"FastRobust.Bench",
                     "Type":"{{b.Method.Split('.')[0]}}",
                     "Method":"{{b.Method.Split('.')[^1]}}",
                     "FullName":"{{fullName.Replace("\"", "\\\"")}}",
                     "Statistics":{{stats}},
                     "Memory":{"Gen0Collections":0,"Gen1Collections":0,"Gen2Collections":0,"TotalOperations":64,"BytesAllocatedPerOperation":0}
                  }
            """);
        }
        sb.Append("\n   ]\n}\n");
        return sb.ToString();
    }
}
