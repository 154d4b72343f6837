using FastRobust.Tensors;

namespace FastRobust.Backends.Cpu;

/// <summary>float32 storage in aligned native memory from <see cref="CpuMemoryPool"/>.</summary>
public sealed unsafe class CpuFloatBuffer : FloatBuffer
{
    private nint _ptr;

    internal CpuFloatBuffer(long length) : base(length) => _ptr = CpuMemoryPool.Rent(length * sizeof(float));

    public float* Ptr => (float*)_ptr;

    public Span<float> Span => new((void*)_ptr, checked((int)Length));

    protected override void Free()
    {
        nint p = Interlocked.Exchange(ref _ptr, 0);
        if (p != 0) CpuMemoryPool.Return(p, Length * sizeof(float));
        GC.SuppressFinalize(this);
    }

    /// <summary>Safety net: a tensor that was never disposed still gives its memory back.</summary>
    ~CpuFloatBuffer()
    {
        nint p = Interlocked.Exchange(ref _ptr, 0);
        if (p != 0) CpuMemoryPool.Return(p, Length * sizeof(float));
    }
}

/// <summary>int32 storage (labels, pooling indices).</summary>
public sealed unsafe class CpuIntBuffer : IntBuffer
{
    private nint _ptr;

    internal CpuIntBuffer(long length) : base(length) => _ptr = CpuMemoryPool.Rent(length * sizeof(int));

    public int* Ptr => (int*)_ptr;

    public Span<int> Span => new((void*)_ptr, checked((int)Length));

    protected override void Free()
    {
        nint p = Interlocked.Exchange(ref _ptr, 0);
        if (p != 0) CpuMemoryPool.Return(p, Length * sizeof(int));
        GC.SuppressFinalize(this);
    }

    ~CpuIntBuffer()
    {
        nint p = Interlocked.Exchange(ref _ptr, 0);
        if (p != 0) CpuMemoryPool.Return(p, Length * sizeof(int));
    }
}
