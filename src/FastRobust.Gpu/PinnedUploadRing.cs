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
/// upload it has carried, up to a cap. Like the backend that owns it (Backend is not disposable), the ring lives
/// as long as the process.</para>
/// </summary>
internal sealed class PinnedUploadRing(Accelerator accelerator)
{
    /// <summary>Uploads in flight before the host waits: a training step uploads two (images, labels).</summary>
    public const int SlotCount = 8;

    /// <summary>The smallest slot, so tiny uploads (labels, constants) do not each grow a slot a few bytes at a time.</summary>
    private const int MinSlotBytes = 4096;

    /// <summary>The largest slot (a power of two): at most 8 × 64 MiB of page-locked host memory, whatever is uploaded.</summary>
    internal const int MaxSlotBytes = 64 << 20;

    private readonly Slot[] _slots = Enumerable.Range(0, SlotCount).Select(_ => new Slot()).ToArray();
    private int _next;

    /// <summary>Page-locked slots allocated so far (each costs a host allocation and a driver registration).</summary>
    public long Allocations { get; private set; }

    /// <summary>Queues a copy of <paramref name="source"/> into <paramref name="target"/> (same length) on the stream.</summary>
    public void Upload<T>(AcceleratorStream stream, ReadOnlySpan<T> source, ArrayView<T> target) where T : unmanaged
    {
        if (source.Length != target.Length) throw new ArgumentException($"{source.Length} elements for a view of {target.Length}");
        // a larger upload (a whole data set, say) passes through the slots in pieces, so no slot outgrows the cap
        int piece = MaxSlotBytes / Unsafe.SizeOf<T>();
        for (int start = 0; start < source.Length; start += piece)
        {
            int n = Math.Min(piece, source.Length - start);
            UploadPiece(stream, source.Slice(start, n), target.SubView(start, n));
        }
    }

    private void UploadPiece<T>(AcceleratorStream stream, ReadOnlySpan<T> source, ArrayView<T> target) where T : unmanaged
    {
        var slot = _slots[_next];
        _next = (_next + 1) % SlotCount;
        slot.WaitUntilRead();
        int bytes = source.Length * Unsafe.SizeOf<T>();
        if (slot.Memory is null || slot.Memory.Length < bytes)
        {
            slot.Memory?.Dispose();
            int capacity = Math.Min((int)BitOperations.RoundUpToPowerOf2((uint)Math.Max(bytes, MinSlotBytes)), MaxSlotBytes);
            // page-locking registers the memory with the current CUDA context, and unlike device allocation ILGPU
            // does not bind the accelerator's context for it
            using var binding = accelerator.BindScoped();
            slot.Memory = accelerator.AllocatePageLocked1D<byte>(capacity, uninitialized: true);
            Allocations++;
        }
        source.CopyTo(MemoryMarshal.Cast<byte, T>(slot.Memory.Span));
        target.CopyFrom(stream, slot.Memory.ArrayView.SubView(0, bytes).Cast<T>());
        slot.Fence = stream.AddProfilingMarker();
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
