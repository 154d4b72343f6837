using BenchmarkDotNet.Attributes;
using FastRobust.Nn;
using FastRobust.Tensors;

namespace FastRobust.Bench;

/// <summary>
/// The sharpness path: one forward pass without gradients of an ensemble of E = 16 reference CNNs (the Monte-Carlo
/// weight samples of a sharpness search) over one batch of images broadcast to every member.
/// </summary>
public class EnsembleBenchmarks : DeviceBenchmark
{
    [Params(16)]
    public int Members { get; set; } = 16;

    [Params(64)]
    public int Batch { get; set; } = 64;

    private Model _model = null!;
    private Tensor _x = null!;

    [GlobalSetup]
    public void Setup()
    {
        OpenDevice();
        _model = Model.Create(ReferenceCnn.Spec, Dev, 0, members: Members);
        _x = Tensor.Uniform([Batch, .. ReferenceCnn.Spec.Input], 0f, 1f, 0, 1, Dev).KeepAlive();
    }

    [Benchmark]
    public void EnsembleForward()
    {
        Tick();
        using (GradMode.NoGrad())
        using (new TensorScope())
            _model.Forward(_x);
        Sync();
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        ReportPool();
        _x.Dispose();
        _model.Dispose();
    }

    public override Work WorkOf(string method) =>
        new(ModelFlops.Forward(ReferenceCnn.Spec, Batch * Members), (double)Batch * Members);
}
