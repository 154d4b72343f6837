using System.Runtime.InteropServices;
using FastRobust.Kernels;
using FastRobust.Tensors;
using ILGPU;
using ILGPU.Runtime;
using AV = ILGPU.ArrayView<float>;
using AI = ILGPU.ArrayView<int>;

namespace FastRobust.Gpu;

/// <summary>
/// The op interface on an ILGPU accelerator: every op is one or two launches of a kernel from kernels/ on the
/// accelerator's default stream, in order. No op waits for the device except those that hand data to the host
/// (Download, DownloadInt) and Synchronize (<see cref="HostWaits"/> counts them); uploads go through a ring of
/// page-locked staging slots and return at once; memory comes from an exact-size caching pool. Each op family lives
/// in its own partial file. Like the device it drives, a backend is used by one host thread at a time.
/// </summary>
public sealed partial class IlgpuBackend : Backend
{
    private readonly GpuMemoryPool _pool;
    private readonly PinnedUploadRing _uploads;
    private readonly GpuFloatBuffer _dummy;

    public IlgpuBackend(Accelerator accelerator)
    {
        if (!accelerator.Context.Properties.EnableProfiling)
            throw new ArgumentException("the upload ring fences with profiling markers: build the ILGPU context with Profiling()", nameof(accelerator));
        Accelerator = accelerator;
        _pool = new GpuMemoryPool(accelerator);
        _uploads = new PinnedUploadRing(accelerator);
        K = new KernelSet(accelerator);
        int threads = Math.Min(Kernels.Reduce.MaxThreads, accelerator.MaxNumThreadsPerGroup);
        while ((threads & (threads - 1)) != 0) threads &= threads - 1; // block reductions need a power of two
        _threads = threads;
        _maxGroups = Math.Max(1, accelerator.NumMultiprocessors * Math.Max(1, accelerator.MaxNumThreadsPerMultiprocessor / threads));
        // stands in for optional buffers (absent bias, momentum, dgamma...) so kernels always get a valid view
        _dummy = new GpuFloatBuffer(_pool, 1);
    }

    public Accelerator Accelerator { get; }

    internal KernelSet K { get; }

    internal GpuMemoryPool Pool => _pool;

    private AcceleratorStream Stream => Accelerator.DefaultStream;

    /// <summary>Device blocks obtained from the driver so far (flat in a steady-state loop).</summary>
    public long Allocations => _pool.Allocations;

    /// <summary>Page-locked staging slots allocated for uploads so far (at most one per slot once sizes stop growing).</summary>
    public long PinnedAllocations => _uploads.Allocations;

    /// <summary>
    /// Times the host waited for the device: Download, DownloadInt and Synchronize (flat across the steps of a
    /// training or attack loop that reads nothing back). A wait of the upload ring on a slot still being read is
    /// back-pressure and is not counted: ILGPU's profiling marker does not say whether its Synchronize blocked.
    /// </summary>
    public long HostWaits { get; private set; }

    /// <summary>Frees the pool's cached blocks.</summary>
    public void TrimPool() => _pool.Trim();

    /// <summary>Threads per group of element-parallel kernels and block reductions: 256 on a GPU, fewer on the CPU accelerator.</summary>
    private readonly int _threads;

    /// <summary>Groups that fill the device once (a grid-stride launch never needs more).</summary>
    private readonly int _maxGroups;

    internal static AV V(FloatBuffer b) => ((GpuFloatBuffer)b).View;

    internal AV VOrDummy(FloatBuffer? b) => b is null ? _dummy.View : V(b);

    internal static AI V(IntBuffer b) => ((GpuIntBuffer)b).View;

    internal static AV V(FloatBuffer b, long offset, long n) => V(b).SubView(offset, n);

    /// <summary>Element counts: kernels index with 32-bit ints (a 2^31-element float tensor is 8 GiB).</summary>
    internal static int N(long n) =>
        n is >= 0 and <= int.MaxValue ? (int)n : throw new ArgumentOutOfRangeException(nameof(n), $"{n} elements exceed the GPU backend's 32-bit indexing");

    /// <summary>A grid-stride launch over n items: enough groups to cover them, at most one device-full.</summary>
    internal KernelConfig Elements(long n) =>
        new(new Index3D((int)Math.Clamp((n + _threads - 1) / _threads, 1, _maxGroups), 1, 1), new Index3D(_threads, 1, 1));

    /// <summary>One group per reduced item (row, channel...): a block reduction each.</summary>
    internal KernelConfig Blocks(long groups) => new(new Index3D(N(groups), 1, 1), new Index3D(_threads, 1, 1));

    /// <summary>A grid of 64×64 output tiles for the GEMM and convolution kernels.</summary>
    internal static KernelConfig TileGrid(long x, long y, long z) =>
        new(new Index3D(N(x), N(y), N(z)), new Index3D(TileCore.Threads, 1, 1));

    internal static int Tiles(long n, int tile) => N((n + tile - 1) / tile);

    /// <summary>Smallest slice of a split reduction worth a group of its own.</summary>
    internal const int MinSplitLen = 64;

    /// <summary>
    /// Split-K for a tile launch of <paramref name="tiles"/> groups that each walk a reduction of
    /// <paramref name="length"/>: too few tiles leave most multiprocessors idle, so cut the reduction into slices until
    /// the launch has about 4 groups per multiprocessor, each slice at least <see cref="MinSplitLen"/> deep and a
    /// multiple of BK. One split (Len = length) when the tiles already fill the device or the reduction is short.
    /// </summary>
    internal (int Splits, int Len) SplitReduction(long tiles, long length) =>
        SplitReduction(tiles, length, Accelerator.NumMultiprocessors);

    /// <summary>The rule of <see cref="SplitReduction(long, long)"/> for a device of <paramref name="multiprocessors"/>.</summary>
    internal static (int Splits, int Len) SplitReduction(long tiles, long length, int multiprocessors)
    {
        long wanted = Math.Max(1, (4L * multiprocessors + tiles - 1) / tiles);
        long len = Math.Max(MinSplitLen, (length + wanted - 1) / wanted);
        len = (len + TileCore.BK - 1) / TileCore.BK * TileCore.BK;
        int splits = (int)Math.Max(1, (length + len - 1) / len);
        return splits == 1 ? (1, N(length)) : (splits, (int)len);
    }

    // ---- memory ----

    public override FloatBuffer Alloc(long n) => new GpuFloatBuffer(_pool, n);

    public override IntBuffer AllocInt(long n) => new GpuIntBuffer(_pool, n);

    public override void Upload(ReadOnlySpan<float> src, FloatBuffer dst, long dstOffset = 0)
    {
        if (src.Length == 0) return;
        _uploads.Upload(Stream, src, V(dst, dstOffset, src.Length));
    }

    public override void Download(FloatBuffer src, long srcOffset, Span<float> dst)
    {
        if (dst.Length == 0) return;
        HostWaits++;
        PinnedHostCopy.ToHost(V(src, srcOffset, dst.Length), Stream, dst);
    }

    public override void UploadInt(ReadOnlySpan<int> src, IntBuffer dst)
    {
        if (src.Length == 0) return;
        _uploads.Upload(Stream, src, V(dst).SubView(0, src.Length));
    }

    public override void DownloadInt(IntBuffer src, Span<int> dst)
    {
        if (dst.Length == 0) return;
        HostWaits++;
        PinnedHostCopy.ToHost(V(src), Stream, dst);
    }

    public override void Copy(FloatBuffer src, long srcOffset, FloatBuffer dst, long dstOffset, long n)
    {
        if (n <= 0) return;
        V(src, srcOffset, n).CopyTo(Stream, V(dst, dstOffset, n));
    }

    public override void Fill(FloatBuffer dst, long offset, long n, float value)
    {
        if (n <= 0) return;
        K.Fill(Elements(n), V(dst, offset, n), N(n), value);
    }

    public override void Synchronize()
    {
        HostWaits++;
        Stream.Synchronize();
    }
}
