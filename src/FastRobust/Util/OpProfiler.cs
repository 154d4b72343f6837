using System.Diagnostics;

namespace FastRobust.Util;

/// <summary>
/// Wall time per op, forward and backward, when FASTROBUST_PROFILE=1 (for performance notes; on a GPU the times
/// are launch times unless the backend synchronises). Costs one static bool check per op when off.
/// </summary>
public static class OpProfiler
{
    public static bool Enabled { get; set; } = Environment.GetEnvironmentVariable("FASTROBUST_PROFILE") == "1";

    private static readonly Dictionary<string, (long ticks, long calls)> Totals = new();

    public static long Start() => Enabled ? Stopwatch.GetTimestamp() : 0;

    public static void Stop(string name, long start)
    {
        if (!Enabled) return;
        long t = Stopwatch.GetTimestamp() - start;
        lock (Totals)
        {
            var (ticks, calls) = Totals.GetValueOrDefault(name);
            Totals[name] = (ticks + t, calls + 1);
        }
    }

    public static string Report()
    {
        lock (Totals)
        {
            double total = Totals.Values.Sum(v => v.ticks);
            return string.Join("\n", Totals.OrderByDescending(kv => kv.Value.ticks).Select(kv =>
                $"{kv.Key,-28} {kv.Value.ticks * 1000.0 / Stopwatch.Frequency,10:F1} ms {kv.Value.calls,8} calls {100 * kv.Value.ticks / total,6:F1}%"));
        }
    }

    public static void Reset()
    {
        lock (Totals) Totals.Clear();
    }
}
