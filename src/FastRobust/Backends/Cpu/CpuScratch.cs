using System.Runtime.InteropServices;

namespace FastRobust.Backends.Cpu;

/// <summary>
/// Per-thread scratch memory (im2col columns, gathered tiles) that grows to the largest size asked for and is
/// then reused, so the hot loops allocate nothing.
/// </summary>
internal static unsafe class CpuScratch
{
    private const int Slots = 6;
    [ThreadStatic] private static nint[]? _blocks;
    [ThreadStatic] private static long[]? _caps;

    /// <summary>Slot <paramref name="slot"/> (0..5) of this thread, at least <paramref name="floats"/> long.</summary>
    public static float* Get(int slot, long floats)
    {
        _blocks ??= new nint[Slots];
        _caps ??= new long[Slots];
        if (_caps[slot] < floats)
        {
            if (_blocks[slot] != 0) NativeMemory.AlignedFree((void*)_blocks[slot]);
            long cap = Math.Max(floats, _caps[slot] * 3 / 2);
            _blocks[slot] = (nint)NativeMemory.AlignedAlloc((nuint)(cap * sizeof(float)), 64);
            _caps[slot] = cap;
        }
        return (float*)_blocks[slot];
    }
}
