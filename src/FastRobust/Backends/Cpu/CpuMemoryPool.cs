using System.Runtime.InteropServices;

namespace FastRobust.Backends.Cpu;

/// <summary>
/// 64-byte aligned native blocks, cached by exact size. A training or attack loop asks for the same sizes every
/// step, so after the first step every allocation is a pool hit and the GC never sees the activations.
/// </summary>
internal static unsafe class CpuMemoryPool
{
    private static readonly Dictionary<long, Stack<nint>> Free = new();
    private static long _cachedBytes;
    private static long _allocations;

    /// <summary>Blocks obtained from the OS so far: flat in a steady-state loop when every buffer is reused.</summary>
    public static long Allocations => Interlocked.Read(ref _allocations);

    /// <summary>Blocks kept for reuse are dropped once the cache grows past this.</summary>
    public static long CacheLimitBytes { get; set; } = 8L << 30;

    public static long CachedBytes => Interlocked.Read(ref _cachedBytes);

    public static nint Rent(long bytes)
    {
        bytes = Math.Max(bytes, 4);
        lock (Free)
        {
            if (Free.TryGetValue(bytes, out var stack) && stack.Count > 0)
            {
                _cachedBytes -= bytes;
                return stack.Pop();
            }
        }
        GC.AddMemoryPressure(bytes);
        Interlocked.Increment(ref _allocations);
        return (nint)NativeMemory.AlignedAlloc((nuint)bytes, 64);
    }

    public static void Return(nint block, long bytes)
    {
        bytes = Math.Max(bytes, 4);
        lock (Free)
        {
            if (_cachedBytes + bytes <= CacheLimitBytes)
            {
                if (!Free.TryGetValue(bytes, out var stack)) Free[bytes] = stack = new Stack<nint>();
                stack.Push(block);
                _cachedBytes += bytes;
                return;
            }
        }
        NativeMemory.AlignedFree((void*)block);
        GC.RemoveMemoryPressure(bytes);
    }

    /// <summary>Frees every cached block (tests use it to check for leaks).</summary>
    public static void Trim()
    {
        lock (Free)
        {
            foreach (var (bytes, stack) in Free)
                while (stack.Count > 0)
                {
                    NativeMemory.AlignedFree((void*)stack.Pop());
                    GC.RemoveMemoryPressure(bytes);
                }
            _cachedBytes = 0;
        }
    }
}
