namespace FastRobust.Tensors;

/// <summary>
/// Memory owned by one device. Reference counted so that views (reshape, flatten) can share storage and
/// the storage goes back to the device's pool exactly once, when the last view is disposed.
/// </summary>
public abstract class DeviceBuffer
{
    private int _refs = 1;

    protected DeviceBuffer(long length) => Length = length;

    /// <summary>Number of elements.</summary>
    public long Length { get; }

    internal void AddRef()
    {
        if (Interlocked.Increment(ref _refs) <= 1) throw new ObjectDisposedException(GetType().Name, "buffer was already released");
    }

    internal void Release()
    {
        int left = Interlocked.Decrement(ref _refs);
        if (left == 0) Free();
        else if (left < 0) throw new InvalidOperationException("buffer released more often than referenced");
    }

    internal bool IsExclusive => Volatile.Read(ref _refs) == 1;

    /// <summary>Returns the memory to its pool.</summary>
    protected abstract void Free();
}

/// <summary>float32 storage.</summary>
public abstract class FloatBuffer(long length) : DeviceBuffer(length);

/// <summary>int32 storage: labels, pooling indices.</summary>
public abstract class IntBuffer(long length) : DeviceBuffer(length);
