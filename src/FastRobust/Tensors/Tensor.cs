namespace FastRobust.Tensors;

/// <summary>
/// A dense float32 tensor on one device (row-major; images are NCHW, an ensemble adds a leading E).
/// Data moves between host and device only through <see cref="FromArray"/>, <see cref="ToArray"/> and
/// <see cref="To"/>. Reshaping returns a view that shares storage.
/// </summary>
public sealed class Tensor : IDisposable
{
    private int _disposed;
    private TensorScope? _scope;

    internal Tensor(int[] shape, Device device, FloatBuffer buffer, bool registerInScope = true)
    {
        Shape = shape;
        Count = Numel(shape);
        Device = device;
        Buffer = buffer;
        if (buffer.Length < Count) throw new ArgumentException("buffer smaller than shape");
        if (registerInScope && TensorScope.Current is { } s)
        {
            _scope = s;
            s.Register(this);
        }
    }

    public int[] Shape { get; }
    public long Count { get; }
    public Device Device { get; }
    public int Rank => Shape.Length;
    public FloatBuffer Buffer { get; }
    internal Backend B => Device.Backend;

    /// <summary>Leaf tensors (parameters, an attacked input) set this to receive .Grad from backward.</summary>
    public bool RequiresGrad { get; set; }

    /// <summary>Accumulated gradient of a leaf that requires grad (null until a backward reaches it).</summary>
    public Tensor? Grad { get; set; }

    /// <summary>The op that produced this tensor, when it was recorded on the tape.</summary>
    internal Node? GradFn { get; set; }

    /// <summary>True when backward should flow into this tensor.</summary>
    public bool NeedsGrad => RequiresGrad || GradFn != null;

    public bool IsDisposed => _disposed != 0;

    public int Dim(int dim) => Shape[dim < 0 ? Shape.Length + dim : dim];

    public static long Numel(ReadOnlySpan<int> shape)
    {
        long n = 1;
        foreach (int d in shape)
        {
            if (d < 0) throw new ArgumentException($"negative dimension in shape [{string.Join(", ", shape.ToArray())}]");
            n *= d;
        }
        return n;
    }

    public static string ShapeString(ReadOnlySpan<int> shape) => "[" + string.Join(", ", shape.ToArray()) + "]";

    public override string ToString() => $"Tensor{ShapeString(Shape)} on {Device}";

    // ---- creation ----

    public static Tensor Empty(int[] shape, Device? device = null)
    {
        device ??= Device.Cpu;
        return new Tensor((int[])shape.Clone(), device, device.Backend.Alloc(Numel(shape)));
    }

    public static Tensor Full(int[] shape, float value, Device? device = null)
    {
        var t = Empty(shape, device);
        t.B.Fill(t.Buffer, 0, t.Count, value);
        return t;
    }

    public static Tensor Zeros(int[] shape, Device? device = null) => Full(shape, 0f, device);

    public static Tensor Ones(int[] shape, Device? device = null) => Full(shape, 1f, device);

    public static Tensor Scalar(float value, Device? device = null) => Full([1], value, device);

    public static Tensor FromArray(ReadOnlySpan<float> data, int[] shape, Device? device = null)
    {
        if (Numel(shape) != data.Length)
            throw new ArgumentException($"{data.Length} values do not fill shape {ShapeString(shape)}");
        var t = Empty(shape, device);
        t.B.Upload(data, t.Buffer);
        return t;
    }

    /// <summary>Uniform in [lo, hi) from Philox(seed, stream).</summary>
    public static Tensor Uniform(int[] shape, float lo, float hi, ulong seed, ulong stream, Device? device = null)
    {
        var t = Empty(shape, device);
        t.B.FillUniform(t.Buffer, t.Count, seed, stream, 0, lo, hi);
        return t;
    }

    public static Tensor Normal(int[] shape, float mean, float std, ulong seed, ulong stream, Device? device = null)
    {
        var t = Empty(shape, device);
        t.B.FillNormal(t.Buffer, t.Count, seed, stream, 0, mean, std);
        return t;
    }

    // ---- host transfer ----

    public float[] ToArray()
    {
        var a = new float[Count];
        B.Download(Buffer, 0, a);
        return a;
    }

    /// <summary>The single value of a one-element tensor (waits for the device).</summary>
    public float Item()
    {
        if (Count != 1) throw new InvalidOperationException($"Item() needs one element, tensor has shape {ShapeString(Shape)}");
        Span<float> v = stackalloc float[1];
        B.Download(Buffer, 0, v);
        return v[0];
    }

    /// <summary>A copy on another device (no gradient history).</summary>
    public Tensor To(Device device)
    {
        if (device == Device) return Clone();
        return FromArray(ToArray(), Shape, device);
    }

    /// <summary>A new tensor with the same values and no gradient history.</summary>
    public Tensor Clone()
    {
        var t = Empty(Shape, Device);
        B.Copy(Buffer, 0, t.Buffer, 0, Count);
        return t;
    }

    /// <summary>Copies values from <paramref name="src"/> (same element count) into this tensor.</summary>
    public void CopyFrom(Tensor src)
    {
        if (src.Count != Count) throw new ArgumentException($"cannot copy {ShapeString(src.Shape)} into {ShapeString(Shape)}");
        B.Copy(src.Buffer, 0, Buffer, 0, Count);
    }

    /// <summary>A view of the same storage, cut off from the tape.</summary>
    public Tensor Detach()
    {
        Buffer.AddRef();
        return new Tensor(Shape, Device, Buffer);
    }

    internal Tensor View(int[] shape)
    {
        Buffer.AddRef();
        return new Tensor(shape, Device, Buffer);
    }

    // ---- lifetime ----

    /// <summary>Removes this tensor from its scope so it outlives it (parameters, optimizer state, results).</summary>
    public Tensor KeepAlive()
    {
        _scope?.Unregister(this);
        _scope = null;
        return this;
    }

    /// <summary>Hands this tensor to the scope around the current one.</summary>
    public Tensor MoveToOuterScope()
    {
        var outer = _scope?.Outer;
        _scope?.Unregister(this);
        _scope = outer;
        outer?.Register(this);
        return this;
    }

    internal void DisposeFromScope()
    {
        _scope = null;
        Release();
    }

    public void Dispose()
    {
        _scope?.Unregister(this);
        _scope = null;
        Release();
    }

    private void Release()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0) return;
        GradFn = null;
        Buffer.Release();
    }
}
