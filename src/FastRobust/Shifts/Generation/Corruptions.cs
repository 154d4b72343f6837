using FastRobust.Data;
using FastRobust.Tensors;
using FastRobust.Util;

namespace FastRobust.Shifts.Generation;

/// <summary>
/// The 19 corruptions of Hendrycks &amp; Dietterich (2019) with the CIFAR parameters of make_cifar_c.py, as batched
/// image transforms: <c>Corruptions.Apply(name, severity, images, seed)</c>. Images go in as 8-bit values (floats
/// in [0, 1] are rounded to the nearest k/255, as the original takes 8-bit images) and come out as the original
/// writes them, truncated to 8 bits. Image i of a set draws its randomness from Philox keyed by (seed, corruption,
/// severity, firstIndex + i), so any batching gives the same images, on any device.
/// </summary>
public static class Corruptions
{
    public const int Severities = 5;

    /// <summary>In make_cifar_c.py's order: the 15 benchmark corruptions, then the 4 held-out ones.</summary>
    public static IReadOnlyList<Corruption> All { get; } = Build();

    public static IReadOnlyList<string> Names { get; } = All.Select(c => c.Name).ToArray();

    /// <summary>The 15 corruptions mCE averages over.</summary>
    public static IReadOnlyList<Corruption> Benchmark { get; } = All.Where(c => c.Benchmark).ToArray();

    private static Corruption[] Build()
    {
        Corruption[] all =
        [
            new GaussianNoise(), new ShotNoise(), new ImpulseNoise(), new DefocusBlur(), new GlassBlur(), new MotionBlurCorruption(),
            new ZoomBlur(), new Snow(), new Frost(), new Fog(), new Brightness(), new Contrast(), new ElasticTransform(), new Pixelate(),
            new JpegCompression(), new SpeckleNoise(), new GaussianBlur(), new Spatter(), new Saturate(),
        ];
        for (int i = 0; i < all.Length; i++) all[i].Index = i;
        return all;
    }

    /// <summary>A corruption by file name (gaussian_noise), title (Gaussian Noise) or dashed name (gaussian-noise).</summary>
    public static Corruption Get(string name)
    {
        string key = Key(name);
        return All.FirstOrDefault(c => Key(c.Name) == key || Key(c.Title) == key)
               ?? throw new InputException($"unknown corruption '{name}': expected one of {string.Join(", ", Names)}");
    }

    public static bool TryGet(string name, out Corruption corruption)
    {
        string key = Key(name);
        corruption = All.FirstOrDefault(c => Key(c.Name) == key || Key(c.Title) == key)!;
        return corruption != null;
    }

    /// <summary>"all" (19), "benchmark" (15), or a comma list of names.</summary>
    public static IReadOnlyList<Corruption> Parse(string spec)
    {
        var parts = spec.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        if (parts.Length == 0) throw new InputException("no corruption named (expected all, benchmark or a comma list of names)");
        if (parts.Length == 1 && Key(parts[0]) == "all") return All;
        if (parts.Length == 1 && Key(parts[0]) == "benchmark") return Benchmark;
        return parts.Select(Get).Distinct().ToArray();
    }

    /// <summary>"1-5", "3", "1,3,5" or "2-4" to sorted severities in 1..5.</summary>
    public static int[] ParseSeverities(string spec)
    {
        var result = new SortedSet<int>();
        foreach (var part in spec.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var ends = part.Split('-', StringSplitOptions.TrimEntries);
            if (ends.Length > 2 || !ends.All(e => int.TryParse(e, out _)))
                throw new InputException($"--severity '{spec}': expected a severity 1-5, a range like 1-5, or a comma list");
            int lo = int.Parse(ends[0]), hi = int.Parse(ends[^1]);
            if (lo < 1 || hi > Severities || lo > hi) throw new InputException($"--severity '{spec}': severities run from 1 to {Severities}");
            for (int s = lo; s <= hi; s++) result.Add(s);
        }
        if (result.Count == 0) throw new InputException($"--severity '{spec}': no severity given");
        return result.ToArray();
    }

    private static string Key(string s) => s.Trim().ToLowerInvariant().Replace("-", "").Replace("_", "").Replace(" ", "");

    /// <summary>Corrupts a dataset (all images, labels kept); the result's values are k/255.</summary>
    public static Dataset Apply(string name, int severity, Dataset clean, ulong seed, Backend? backend = null) =>
        Apply(Get(name), severity, clean, seed, backend);

    /// <summary>As above, on <paramref name="backend"/>'s corruption kernels where it has one for this corruption, else on the host: the same images either way.</summary>
    public static Dataset Apply(Corruption corruption, int severity, Dataset clean, ulong seed, Backend? backend = null)
    {
        var images = Apply(corruption, severity, clean.Images, clean.N, new ImageShape(clean.C, clean.H, clean.W), seed, 0, backend);
        return new Dataset($"{clean.Name}-{corruption.Name}-{severity}", images, clean.Labels, clean.C, clean.H, clean.W, clean.Classes);
    }

    /// <summary>Corrupts float NCHW images in [0, 1]; image i is image <paramref name="firstIndex"/> + i of its set.</summary>
    public static float[] Apply(string name, int severity, ReadOnlySpan<float> images, int n, ImageShape shape, ulong seed, long firstIndex = 0) =>
        Apply(Get(name), severity, images, n, shape, seed, firstIndex);

    public static float[] Apply(Corruption corruption, int severity, ReadOnlySpan<float> images, int n, ImageShape shape, ulong seed, long firstIndex = 0,
        Backend? backend = null)
    {
        var bytes = ToBytes(images, (long)n * shape.Size);
        var result = ApplyBytes(corruption, severity, bytes, n, shape, seed, firstIndex, backend);
        var output = new float[result.Length];
        PixelBytes.ToFloats(result, output);
        return output;
    }

    /// <summary>
    /// On <paramref name="backend"/>'s corruption kernels when it has one for <paramref name="corruption"/>, else on
    /// the host. The kernels give the host's bytes (tests/FastRobust.Gpu.Tests/Shifts), so which ran does not show.
    /// </summary>
    public static byte[] ApplyBytes(Corruption corruption, int severity, ReadOnlySpan<byte> images, int n, ImageShape shape, ulong seed, long firstIndex,
        Backend? backend)
    {
        if (CorruptionKernelRegistry.For(backend) is { } kernels && kernels.Supports(corruption, shape))
            return kernels.ApplyBytes(corruption, severity, images, n, shape, seed, firstIndex);
        return OnHost(corruption, severity, images, n, shape, seed, firstIndex, (backend ?? Device.Cpu.Backend).HostThreads);
    }

    /// <summary>Whether <paramref name="backend"/> runs this corruption on its own kernels (else the host does).</summary>
    public static bool OnDevice(Corruption corruption, ImageShape shape, Backend? backend) =>
        CorruptionKernelRegistry.For(backend) is { } kernels && kernels.Supports(corruption, shape);

    /// <summary>The core, on the host: 8-bit NCHW in, 8-bit NCHW out (make_cifar_c.py's np.uint8 truncation).</summary>
    public static byte[] ApplyBytes(Corruption corruption, int severity, ReadOnlySpan<byte> images, int n, ImageShape shape, ulong seed, long firstIndex = 0) =>
        OnHost(corruption, severity, images, n, shape, seed, firstIndex, Device.Cpu.Backend.HostThreads);

    /// <summary>The host core over <paramref name="threads"/> threads; each image draws from its own stream, so the bytes do not depend on them.</summary>
    private static byte[] OnHost(Corruption corruption, int severity, ReadOnlySpan<byte> images, int n, ImageShape shape, ulong seed, long firstIndex, int threads)
    {
        Check(corruption, severity, shape);
        if (images.Length < (long)n * shape.Size) throw new ArgumentException($"{images.Length} bytes for {n} images of {shape}");
        var src = images[..(n * shape.Size)].ToArray();
        var dst = new byte[src.Length];
        const int block = 32;
        int blocks = (n + block - 1) / block;
        Parallel.For(0, blocks, new ParallelOptions { MaxDegreeOfParallelism = threads }, () => new Workspace(),
            (b, _, ws) =>
            {
                var values = ws.Doubles(-1, shape.Size);
                for (int i = b * block; i < Math.Min(n, (b + 1) * block); i++)
                {
                    var rng = new CorruptionRandom(seed, corruption.Index, severity, firstIndex + i);
                    corruption.Apply(src.AsSpan(i * shape.Size, shape.Size), values, shape, severity, rng, ws);
                    Quantize(values, dst.AsSpan(i * shape.Size, shape.Size));
                }
                return ws;
            }, _ => { });
        return dst;
    }

    /// <summary>np.uint8 of values in [0, 255]: truncation.</summary>
    internal static void Quantize(ReadOnlySpan<double> values, Span<byte> dst)
    {
        for (int i = 0; i < dst.Length; i++)
        {
            double v = values[i];
            dst[i] = v >= 255 ? (byte)255 : v > 0 ? (byte)v : (byte)0;
        }
    }

    /// <summary>Floats in [0, 1] to the nearest 8-bit value.</summary>
    public static byte[] ToBytes(ReadOnlySpan<float> images, long count)
    {
        var bytes = new byte[count];
        for (long i = 0; i < count; i++)
        {
            float v = images[(int)i];
            bytes[i] = (byte)Math.Clamp((int)MathF.Round(v * 255f), 0, 255);
        }
        return bytes;
    }

    internal static void Check(Corruption corruption, int severity, ImageShape shape)
    {
        if (severity < 1 || severity > Severities) throw new InputException($"severity {severity}: severities run from 1 to {Severities}");
        if (shape.C is not (1 or 3)) throw new InputException($"{corruption.Name}: images must have 1 or 3 channels, not {shape.C}");
        if (shape.H < 8 || shape.W < 8) throw new InputException($"{corruption.Name}: images of {shape.H} × {shape.W} are too small (8 × 8 at least)");
        if (shape.C == 1 && !corruption.SupportsGray)
            throw new InputException($"{corruption.Name} is not defined for 1-channel images (it changes colour saturation; grey pixels have none)");
    }
}
