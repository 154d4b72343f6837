using System.Runtime.InteropServices;
using FastRobust.Shifts.Generation;
using ILGPU;
using ILGPU.Runtime;

namespace FastRobust.Gpu;

/// <summary>
/// The corruption kernels of one GPU backend (kernels/Corruptions/): a whole batch per call, the same bytes as the
/// host's <see cref="Corruptions.ApplyBytes(Corruption, int, ReadOnlySpan{byte}, int, ImageShape, ulong, long)"/>.
/// Each corruption's launcher is listed in <see cref="Launchers"/>; a corruption without one runs on the host
/// (<see cref="Corruptions.ApplyBytes(Corruption, int, ReadOnlySpan{byte}, int, ImageShape, ulong, long, Tensors.Backend?)"/> falls back).
/// </summary>
public sealed class GpuCorruptions(IlgpuBackend backend) : ICorruptionKernels
{
    private static readonly CorruptionLauncher[] Launchers =
    [
        new NoiseLauncher(),
        new ContrastLauncher(),
        new FogLauncher(),
        new ElasticLauncher(),
        new MotionBlurLauncher(),
        new ZoomBlurLauncher(),
        new SnowLauncher(),
        new JpegLauncher(),
        new SpatterLauncher(),
        new GaussianBlurLauncher(),
        new DefocusBlurLauncher(),
        new PixelateLauncher(),
        new GlassBlurLauncher(),
        new ShotNoiseLauncher(),
        new BrightnessLauncher(),
        new SaturateLauncher(),
        new FrostLauncher(),
    ];

    private static readonly Dictionary<string, CorruptionLauncher> ByName =
        Launchers.SelectMany(l => l.Names.Select(n => (n, l))).ToDictionary(p => p.n, p => p.l);

    /// <summary>The corruptions that have kernels, in <see cref="Corruptions.All"/>'s order.</summary>
    public static IReadOnlyList<string> Names => Corruptions.Names.Where(ByName.ContainsKey).ToArray();

    /// <summary>Tests: fill each output with 0xCD before the kernels run, so a value they forget cannot pass for the host's.</summary>
    internal bool PoisonOutputs { get; set; }

    /// <summary>Batches corrupted on the device so far (tests: the kernels, not the host, did the work).</summary>
    internal long Batches => Interlocked.Read(ref _batches);

    private long _batches;

    public bool Supports(Corruption corruption, ImageShape shape) => ByName.TryGetValue(corruption.Name, out var l) && l.Supports(shape);

    public byte[] ApplyBytes(Corruption corruption, int severity, ReadOnlySpan<byte> images, int n, ImageShape shape, ulong seed, long firstIndex = 0)
    {
        if (!ByName.TryGetValue(corruption.Name, out var launcher)) throw new ArgumentException($"{corruption.Name} has no GPU kernel yet", nameof(corruption));
        Corruptions.Check(corruption, severity, shape);
        if (!launcher.Supports(shape)) throw new ArgumentException($"{corruption.Name}'s GPU kernels do not handle images of {shape}", nameof(shape));
        long total = (long)n * shape.Size;
        if (images.Length < total) throw new ArgumentException($"{images.Length} bytes for {n} images of {shape}");
        IlgpuBackend.N(total);
        var result = new byte[total];
        if (total == 0) return result;
        var stream = backend.Accelerator.DefaultStream;
        using var batch = new CorruptionBatch(backend, corruption, severity, n, shape, seed, firstIndex);
        PinnedHostCopy.ToDevice(batch.Src, stream, images[..(int)total]);
        if (PoisonOutputs) batch.Dst.MemSet(stream, 0xCD);
        launcher.Launch(batch);
        Interlocked.Increment(ref _batches);
        PinnedHostCopy.ToHost(batch.Dst, stream, result.AsSpan(0, (int)total));
        stream.Synchronize();
        return result;
    }
}
