using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using ILGPU;
using ILGPU.Runtime;

namespace FastRobust.Gpu;

/// <summary>
/// Host-to-device copies that return without waiting for the device. ILGPU's CopyFromCPU synchronises the stream
/// after every copy, and a copy straight from the caller's (pageable) memory may be synchronous in the driver, so
/// an upload instead copies the caller's span into a page-locked staging slot, queues an asynchronous copy from
/// that slot on the stream and returns; the caller may reuse its span at once.
/// <para>A slot must not be refilled while the device may still be reading it. Each slot keeps a profiling marker
/// recorded on the stream right after its copy (a CUDA event on a GPU); refilling the slot first waits on that
/// marker, which blocks only when the host is a whole ring of uploads ahead of the device (back-pressure, not a
/// per-step synchronisation). Slots hold bytes, so float and int uploads share them, and each grows to the largest
/// upload it has carried.</para>
/// </summary>
internal sealed class PinnedUploadRing(Accelerator accelerator) : IDisposable
{
    /// <summary>Uploads in flight before the host waits: a training step uploads two (images, labels).</summary>
    public const int SlotCount = 8;

    /// <summary>The smallest slot, so tiny uploads (labels, constants) do not each grow a slot a few bytes at a time.</summary>
    private const int MinSlotBytes = 4096;

    private readonly Slot[] _slots = Enumerable.Range(0, SlotCount).Select(_ => new Slot()).ToArray();
    private int _next;

    /// <summary>Page-locked slots allocated so far (each costs a host allocation and a driver registration).</summary>
    public long Allocations { get; private set; }

    /// <summary>Queues a copy of <paramref name="source"/> into <paramref name="target"/> (same length) on the stream.</summary>
    public void Upload<T>(AcceleratorStream stream, ReadOnlySpan<T> source, ArrayView<T> target) where T : unmanaged
    {
        if (source.Length != target.Length) throw new ArgumentException($"{source.Length} elements for a view of {target.Length}");
        if (source.Length == 0) return;
        var slot = _slots[_next];
        _next = (_next + 1) % SlotCount;
        slot.WaitUntilRead();
        long bytes = (long)source.Length * Unsafe.SizeOf<T>();
        if (slot.Memory is null || slot.Memory.Length < bytes)
        {
            slot.Memory?.Dispose();
            slot.Memory = accelerator.AllocatePageLocked1D<byte>((long)BitOperations.RoundUpToPowerOf2((ulong)Math.Max(bytes, MinSlotBytes)), uninitialized: true);
            Allocations++;
        }
        source.CopyTo(MemoryMarshal.Cast<byte, T>(slot.Memory.Span));
        target.CopyFrom(stream, slot.Memory.ArrayView.SubView(0, bytes).Cast<T>());
        slot.Fence = stream.AddProfilingMarker();
    }

    public void Dispose()
    {
        foreach (var slot in _slots)
        {
            slot.WaitUntilRead();
            slot.Memory?.Dispose();
            slot.Memory = null;
        }
    }

    private sealed class Slot
    {
        public PageLockedArray1D<byte>? Memory;

        /// <summary>Passed by the stream once the device has finished copying out of <see cref="Memory"/>.</summary>
        public ProfilingMarker? Fence;

        /// <summary>
        /// Blocks until the last copy out of this slot has run. On the CPU accelerator every copy has run before
        /// it returns (its stream is synchronous) and the marker's Synchronize is empty.
        /// </summary>
        public void WaitUntilRead()
        {
            if (Fence is null) return;
            Fence.Synchronize();
            Fence.Dispose();
            Fence = null;
        }
    }
}
