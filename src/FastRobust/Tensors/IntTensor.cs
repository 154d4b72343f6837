namespace FastRobust.Tensors;

/// <summary>int32 values on a device: class labels [N], argmax results.</summary>
public sealed class IntTensor : IDisposable
{
    internal IntTensor(int length, Device device, IntBuffer buffer)
    {
        Length = length;
        Device = device;
        Buffer = buffer;
    }

    public int Length { get; }
    public Device Device { get; }
    public IntBuffer Buffer { get; }

    public static IntTensor Empty(int length, Device? device = null)
    {
        device ??= Device.Cpu;
        return new IntTensor(length, device, device.Backend.AllocInt(length));
    }

    public static IntTensor FromArray(ReadOnlySpan<int> values, Device? device = null)
    {
        var t = Empty(values.Length, device);
        t.Device.Backend.UploadInt(values, t.Buffer);
        return t;
    }

    public int[] ToArray()
    {
        var a = new int[Length];
        Device.Backend.DownloadInt(Buffer, a);
        return a;
    }

    private bool _disposed;

    public void Dispose()
    {
        if (_disposed) return;
        _disposed = true;
        Buffer.Release();
    }
}
