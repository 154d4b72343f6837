namespace FastRobust.Shifts.Generation;

/// <summary>C × H × W of the images a corruption works on (C = 1 or 3).</summary>
public readonly record struct ImageShape(int C, int H, int W)
{
    public int Plane => H * W;
    public int Size => C * H * W;
    public override string ToString() => $"[{C}, {H}, {W}]";
}

/// <summary>
/// One corruption of Hendrycks &amp; Dietterich (2019) at severities 1–5. <see cref="Apply"/> maps one 8-bit image
/// (CHW) to values in [0, 255] before the final truncation to 8 bits that make_cifar_c.py applies (np.uint8), so
/// tests can compare against the reference before quantisation. Implementations are a few passes over planes
/// (elementwise maps, separable or small stencils, gathers, per-image sequential steps) that a GPU kernel mirrors.
/// </summary>
public abstract class Corruption
{
    /// <summary>File name of the released CIFAR-10-C (gaussian_noise, …).</summary>
    public abstract string Name { get; }

    /// <summary>As the paper's figure labels it (Gaussian Noise, …).</summary>
    public abstract string Title { get; }

    /// <summary>noise, blur, weather or digital.</summary>
    public abstract string Family { get; }

    /// <summary>One of the 15 corruptions mCE averages over (false for the 4 held-out ones: speckle, gaussian blur, spatter, saturate).</summary>
    public virtual bool Benchmark => true;

    /// <summary>Whether the corruption is defined on 1-channel images.</summary>
    public virtual bool SupportsGray => true;

    /// <summary>The CIFAR parameters at a severity, for docs and logs.</summary>
    public abstract string Describe(int severity);

    /// <summary>One image: <paramref name="src"/> 8-bit CHW, <paramref name="dst"/> the unquantised result in [0, 255].</summary>
    public abstract void Apply(ReadOnlySpan<byte> src, Span<double> dst, ImageShape shape, int severity, in CorruptionRandom rng, Workspace ws);

    /// <summary>Index in <see cref="Corruptions.All"/>; part of the random stream, so fixed forever.</summary>
    public int Index { get; internal set; }

    public override string ToString() => Name;

    /// <summary>x/255 as make_cifar_c.py computes it (np.array(x) / 255.).</summary>
    protected static double Unit(byte b) => b / 255.0;

    /// <summary>np.clip(v, 0, 1) * 255.</summary>
    protected static double Out(double v) => Math.Clamp(v, 0.0, 1.0) * 255;

    /// <summary>np.clip(v, 0, 1) * 255 on a float32 array (where the original's image is float32).</summary>
    protected static double Out32(float v) => Math.Clamp(v, 0f, 1f) * 255f;
}

/// <summary>Scratch buffers of one worker thread, reused from image to image.</summary>
public sealed class Workspace
{
    private readonly Dictionary<int, double[]> _doubles = new();
    private readonly Dictionary<int, float[]> _floats = new();
    private readonly Dictionary<int, byte[]> _bytes = new();

    public Span<double> Doubles(int slot, int length) => Get(_doubles, slot, length).AsSpan(0, length);
    public Span<float> Floats(int slot, int length) => Get(_floats, slot, length).AsSpan(0, length);
    public Span<byte> Bytes(int slot, int length) => Get(_bytes, slot, length).AsSpan(0, length);

    private static T[] Get<T>(Dictionary<int, T[]> pool, int slot, int length)
    {
        if (!pool.TryGetValue(slot, out var a) || a.Length < length) pool[slot] = a = new T[length];
        return a;
    }
}
