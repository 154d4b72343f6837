using FastRobust.Tensors;
using ILGPU;
using ILGPU.Runtime;

namespace FastRobust.Gpu;

/// <summary>A pooled device block shared by the float and int buffer types (both 4-byte elements).</summary>
internal sealed class GpuBlock
{
    private readonly GpuMemoryPool _pool;
    private MemoryBuffer1D<float, Stride1D.Dense>? _memory;

    public GpuBlock(GpuMemoryPool pool, long length)
    {
        _pool = pool;
        _memory = pool.Rent(length);
        View = _memory.View.BaseView;
    }

    public ArrayView<float> View { get; }

    public void Return()
    {
        var m = Interlocked.Exchange(ref _memory, null);
        if (m != null) _pool.Return(m);
    }
}

/// <summary>float32 storage on an ILGPU accelerator.</summary>
public sealed class GpuFloatBuffer : FloatBuffer
{
    private readonly GpuBlock _block;

    internal GpuFloatBuffer(GpuMemoryPool pool, long length) : base(length) => _block = new GpuBlock(pool, length);

    /// <summary>The first <see cref="DeviceBuffer.Length"/> elements (the block may be one element longer for empty buffers).</summary>
    public ArrayView<float> View => _block.View;

    protected override void Free()
    {
        _block.Return();
        GC.SuppressFinalize(this);
    }

    /// <summary>Safety net: a tensor that was never disposed still gives its memory back to the pool.</summary>
    ~GpuFloatBuffer() => _block.Return();
}

/// <summary>int32 storage on an ILGPU accelerator (labels, pooling indices).</summary>
public sealed class GpuIntBuffer : IntBuffer
{
    private readonly GpuBlock _block;

    internal GpuIntBuffer(GpuMemoryPool pool, long length) : base(length) => _block = new GpuBlock(pool, length);

    public ArrayView<int> View => _block.View.Cast<int>();

    protected override void Free()
    {
        _block.Return();
        GC.SuppressFinalize(this);
    }

    ~GpuIntBuffer() => _block.Return();
}
