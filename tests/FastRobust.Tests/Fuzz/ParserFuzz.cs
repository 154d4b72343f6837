using System.Diagnostics;
using CsCheck;
using FastRobust.Util;
using Xunit.Abstractions;
using Xunit.Sdk;

namespace FastRobust.Tests.Fuzz;

/// <summary>
/// The fuzzing property every parser must keep: any input either loads, or is refused with an
/// <see cref="InputException"/> whose message names the file; never another exception, never more than
/// <see cref="TimeBound"/> per input, never more than <see cref="MemoryBound"/> allocated for it. Inputs come from
/// <see cref="Mutations.Of"/>. The count per parser is FASTROBUST_FUZZ_ITERATIONS (default: a short run of
/// <see cref="ShortRun"/>); FASTROBUST_FUZZ_SEED replays a CsCheck seed that a failure printed.
/// </summary>
public sealed class ParserFuzz(ITestOutputHelper output, string parser, string directory)
{
    public const int ShortRun = 400;

    /// <summary>Generous for a loaded 2-core machine: the slowest valid seed parses in milliseconds.</summary>
    public static readonly TimeSpan TimeBound = TimeSpan.FromSeconds(10);

    /// <summary>Bytes a parser may allocate for an input of <paramref name="length"/> bytes.</summary>
    public static long MemoryBound(long length) => (64L << 20) + 64 * length;

    public static long Iterations =>
        long.TryParse(Environment.GetEnvironmentVariable("FASTROBUST_FUZZ_ITERATIONS"), out long n) && n > 0 ? n : ShortRun;

    private long _loaded, _refused, _maxTicks, _maxAllocated;

    /// <summary>
    /// Runs the property over mutations of <paramref name="seeds"/>. <paramref name="parse"/> gets the input and a
    /// per-thread file path (the input is written there first when <paramref name="viaFile"/>); every message must
    /// contain that path.
    /// </summary>
    public void Run(IReadOnlyList<byte[]> seeds, string extension, bool viaFile, Action<byte[], string> parse)
    {
        foreach (var s in seeds) Check(s, extension, viaFile, parse, mustLoad: true);
        Mutations.Of(seeds).Sample(input => Check(input, extension, viaFile, parse, mustLoad: false),
            seed: Environment.GetEnvironmentVariable("FASTROBUST_FUZZ_SEED"), iter: Iterations, threads: 2,
            print: b => $"{b.Length} bytes, base64 {Convert.ToBase64String(b.AsSpan(0, Math.Min(b.Length, 4096)))}");
        output.WriteLine($"fuzz {parser}: {Iterations + seeds.Count} inputs ({seeds.Count} valid seeds), {_loaded} loaded, {_refused} refused " +
                         $"with an InputException naming the file, 0 other outcomes; slowest {TimeSpan.FromTicks(_maxTicks).TotalMilliseconds:F1} ms, " +
                         $"most allocated {_maxAllocated / 1048576.0:F1} MiB");
    }

    private void Check(byte[] input, string extension, bool viaFile, Action<byte[], string> parse, bool mustLoad)
    {
        string path = Path.Combine(directory, $"fuzz-{parser}-{Environment.CurrentManagedThreadId}{extension}");
        if (viaFile) File.WriteAllBytes(path, input);
        long before = GC.GetAllocatedBytesForCurrentThread();
        var sw = Stopwatch.StartNew();
        try
        {
            parse(input, path);
            Interlocked.Increment(ref _loaded);
        }
        catch (InputException e)
        {
            if (mustLoad) throw new XunitException($"{parser}: a valid seed was refused: {e.Message}");
            if (!e.Message.Contains(path, StringComparison.Ordinal))
                throw new XunitException($"{parser}: the message does not name the file {path}: {e.Message}");
            Interlocked.Increment(ref _refused);
        }
        sw.Stop();
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        if (sw.Elapsed > TimeBound) throw new XunitException($"{parser}: {sw.Elapsed.TotalSeconds:F1} s for one input of {input.Length} bytes");
        if (allocated > MemoryBound(input.Length))
            throw new XunitException($"{parser}: {allocated} bytes allocated for an input of {input.Length} bytes");
        Max(ref _maxTicks, sw.Elapsed.Ticks);
        Max(ref _maxAllocated, allocated);
    }

    private static void Max(ref long target, long value)
    {
        long seen;
        while (value > (seen = Interlocked.Read(ref target)) && Interlocked.CompareExchange(ref target, value, seen) != seen) { }
    }
}
