using ILGPU;
using ILGPU.Runtime;

namespace FastRobust.Gpu;

/// <summary>
/// Device blocks of 4-byte elements cached by exact length. A training or attack loop asks for the same sizes every
/// step, so after the first step every allocation is a pool hit and the driver is never called (cudaMalloc
/// synchronises the device, which would stall the stream). A block returned while kernels that use it are still
/// queued is safe: everything runs on one in-order stream, so its next user runs after them.
/// <para>Every block the pool ever handed out stays referenced from <see cref="_owned"/> until the pool frees it: ILGPU
/// buffers have finalizers of their own, and a buffer reachable only from a dying GpuFloatBuffer would otherwise be
/// finalized (its memory freed) in the same GC as the GpuFloatBuffer whose finalizer returns it to the pool.</para>
/// </summary>
internal sealed class GpuMemoryPool(Accelerator accelerator)
{
    private readonly Dictionary<long, Stack<MemoryBuffer1D<float, Stride1D.Dense>>> _free = new();
    private readonly HashSet<MemoryBuffer1D<float, Stride1D.Dense>> _owned = new(ReferenceEqualityComparer.Instance);
    private long _cachedBytes;
    private long _allocations;

    /// <summary>Blocks obtained from the driver so far: flat in a steady-state loop.</summary>
    public long Allocations => Interlocked.Read(ref _allocations);

    public long CachedBytes => Interlocked.Read(ref _cachedBytes);

    /// <summary>Cached blocks beyond this are freed instead of kept.</summary>
    public long CacheLimitBytes { get; set; } = 16L << 30;

    public MemoryBuffer1D<float, Stride1D.Dense> Rent(long length)
    {
        length = Math.Max(length, 1);
        lock (_free)
        {
            if (_free.TryGetValue(length, out var stack) && stack.Count > 0)
            {
                _cachedBytes -= length * 4;
                return stack.Pop();
            }
        }
        Interlocked.Increment(ref _allocations);
        MemoryBuffer1D<float, Stride1D.Dense> block;
        try
        {
            block = accelerator.Allocate1D<float>(length);
        }
        catch (Exception e) when (e is OutOfMemoryException or AcceleratorException)
        {
            // the cache may hold the memory we need in blocks of other sizes: give them back and try once more
            Trim();
            block = accelerator.Allocate1D<float>(length);
        }
        lock (_free) _owned.Add(block);
        return block;
    }

    public void Return(MemoryBuffer1D<float, Stride1D.Dense> block)
    {
        long length = block.Length;
        lock (_free)
        {
            if (_cachedBytes + length * 4 <= CacheLimitBytes)
            {
                if (!_free.TryGetValue(length, out var stack)) _free[length] = stack = new();
                stack.Push(block);
                _cachedBytes += length * 4;
                return;
            }
            _owned.Remove(block);
        }
        block.Dispose();
    }

    /// <summary>Frees every cached block.</summary>
    public void Trim()
    {
        lock (_free)
        {
            foreach (var stack in _free.Values)
                while (stack.Count > 0)
                {
                    var block = stack.Pop();
                    _owned.Remove(block);
                    block.Dispose();
                }
            _free.Clear();
            _cachedBytes = 0;
        }
    }
}
