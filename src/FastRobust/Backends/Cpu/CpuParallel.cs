using FastRobust.Util;

namespace FastRobust.Backends.Cpu;

/// <summary>
/// Splits work into a fixed number of contiguous chunks (one per core), so that results that reduce across
/// chunks are the same from run to run whatever the scheduler does.
/// </summary>
internal static class CpuParallel
{
    /// <summary>Cores used by the CPU backend (FASTROBUST_THREADS overrides).</summary>
    public static int Workers => HostThreads.Count;

    /// <summary>Number of chunks to use for <paramref name="n"/> items when each item costs about <paramref name="itemCost"/> units.</summary>
    public static int Chunks(long n, long itemCost, long minChunkCost = 32_768)
    {
        if (Workers == 1 || n <= 1) return 1;
        long total = n * Math.Max(itemCost, 1);
        return (int)Math.Clamp(total / minChunkCost, 1, Math.Min(Workers, n));
    }

    /// <summary>Runs body(chunk, start, end) over <paramref name="chunks"/> contiguous ranges of [0, n).</summary>
    public static void For(long n, int chunks, Action<int, long, long> body)
    {
        if (chunks <= 1)
        {
            body(0, 0, n);
            return;
        }
        Parallel.For(0, chunks, new ParallelOptions { MaxDegreeOfParallelism = Workers }, c =>
        {
            long start = n * c / chunks, end = n * (c + 1) / chunks;
            if (end > start) body(c, start, end);
        });
    }

    /// <summary>For elementwise work: parallel only when the array is large enough to pay for it.</summary>
    public static void ForRange(long n, Action<long, long> body, long itemCost = 1) =>
        For(n, Chunks(n, itemCost, 65_536), (_, s, e) => body(s, e));
}
