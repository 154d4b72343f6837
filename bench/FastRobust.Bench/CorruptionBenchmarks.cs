using BenchmarkDotNet.Attributes;
using FastRobust.Shifts.Generation;
using FastRobust.Tensors;

namespace FastRobust.Bench;

/// <summary>
/// One corruption from src/FastRobust/Shifts/Generation over a batch of CIFAR-sized images at severity 3, as a study runs it:
/// the corruption on the host (8-bit, make_cifar_c.py's definitions, both cores), then the corrupted batch uploaded
/// to the device. Gaussian noise stands for the cheap per-pixel corruptions, JPEG for the ones with real work per
/// image (the project's own baseline codec).
/// </summary>
public class CorruptionBenchmarks : DeviceBenchmark
{
    [Params("gaussian_noise", "jpeg_compression")]
    public string Corruption { get; set; } = "gaussian_noise";

    [Params(128)]
    public int Batch { get; set; } = 128;

    private float[] _images = [];
    private Tensor _device = null!;
    private Corruption _corruption = null!;
    private ImageShape _shape;
    private ulong _seed;

    [GlobalSetup]
    public void Setup()
    {
        OpenDevice();
        int[] input = ReferenceCnn.Spec.Input;
        _shape = new ImageShape(input[0], input[1], input[2]);
        _corruption = Corruptions.Get(Corruption);
        using (var x = Tensor.Uniform([Batch, .. input], 0f, 1f, 0, 6, TDeviceCpu))
            _images = x.ToArray();
        _device = Tensor.Empty([Batch, .. input], Dev).KeepAlive();
    }

    private static FastRobust.Tensors.Device TDeviceCpu => FastRobust.Tensors.Device.Cpu;

    [Benchmark]
    public void Corrupt()
    {
        Tick();
        var corrupted = Corruptions.Apply(_corruption, 3, _images, Batch, _shape, _seed++);
        Dev.Backend.Upload(corrupted, _device.Buffer);
        Sync();
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        ReportPool();
        _device.Dispose();
    }

    public override Work WorkOf(string method) => new(double.NaN, Batch);
}
