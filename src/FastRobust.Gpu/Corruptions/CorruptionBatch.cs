using FastRobust.Shifts.Generation;
using ILGPU;
using ILGPU.Runtime;

namespace FastRobust.Gpu;

/// <summary>
/// One call's batch on the device: <see cref="N"/> 8-bit CHW images in <see cref="Src"/>, their corruption to be
/// written to <see cref="Dst"/>, and scratch views from the backend's pool that go back to it when the batch is
/// disposed (safe with kernels still queued: the stream is in order, so the next user runs after them).
/// </summary>
internal sealed class CorruptionBatch : IDisposable
{
    private readonly List<MemoryBuffer1D<float, Stride1D.Dense>> _rented = new();

    public CorruptionBatch(IlgpuBackend backend, Corruption corruption, int severity, int n, ImageShape shape, ulong seed, long firstIndex)
    {
        Backend = backend;
        Corruption = corruption;
        Severity = severity;
        N = n;
        Shape = shape;
        Seed = seed;
        FirstIndex = firstIndex;
        Src = Scratch<byte>(Total);
        Dst = Scratch<byte>(Total);
    }

    public IlgpuBackend Backend { get; }
    public Corruption Corruption { get; }
    public int Severity { get; }
    public int N { get; }
    public ImageShape Shape { get; }
    public ulong Seed { get; }

    /// <summary>Image i of the batch draws as image FirstIndex + i of its set.</summary>
    public long FirstIndex { get; }

    /// <summary>Values in the batch: N · C · H · W.</summary>
    public long Total => (long)N * Shape.Size;

    public ArrayView<byte> Src { get; }
    public ArrayView<byte> Dst { get; }

    /// <summary>The Philox stream of the batch's image with set index 0; image i's is StreamBase | (FirstIndex + i) (CorruptionRandom).</summary>
    public ulong StreamBase => new CorruptionRandom(Seed, Corruption.Index, Severity, 0).Stream;

    /// <summary>Uninitialised device memory for <paramref name="count"/> values, alive until the batch is disposed.</summary>
    public ArrayView<T> Scratch<T>(long count) where T : unmanaged
    {
        int size = System.Runtime.CompilerServices.Unsafe.SizeOf<T>();
        var block = Backend.Pool.Rent((Math.Max(count, 1) * size + 3) / 4);
        _rented.Add(block);
        return block.View.AsContiguous().Cast<T>().SubView(0, Math.Max(count, 1));
    }

    /// <summary>Host-computed constants (filter taps, resize weights) copied to scratch on the batch's stream.</summary>
    public ArrayView<T> Upload<T>(T[] values) where T : unmanaged
    {
        var view = Scratch<T>(values.Length);
        PinnedHostCopy.ToDevice(view, Backend.Accelerator.DefaultStream, values);
        return view;
    }

    public void Dispose()
    {
        foreach (var block in _rented) Backend.Pool.Return(block);
        _rented.Clear();
    }
}
