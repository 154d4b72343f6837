using BenchmarkDotNet.Attributes;
using FastRobust.Nn;
using FastRobust.Nn.Optim;
using FastRobust.Random;
using FastRobust.Tensors;
using FastRobust.Training;

namespace FastRobust.Bench;

/// <summary>
/// The reference workloads of ../shared/bench/torch_peer.py on the reference CNN, one operation each: a training
/// step (SGD with momentum: forward in training mode, loss, backward to the weights, update), a PGD-L∞ step (forward,
/// backward to the input only, signed step, projection) and an inference forward pass without gradients.
/// </summary>
public class StepBenchmarks : DeviceBenchmark
{
    [Params(32, 128)]
    public int Batch { get; set; } = 128;

    private Model _model = null!;
    private Tensor _x = null!;
    private IntTensor _y = null!;
    private Sgd _opt = null!;
    private PhiloxStream _rng = null!;
    private ReferenceWorkloads.PgdStepper _pgd = null!;

    [GlobalSetup]
    public void Setup()
    {
        OpenDevice();
        var spec = ReferenceCnn.Spec;
        _model = Model.Create(spec, Dev, 0);
        _x = Tensor.Uniform([Batch, .. spec.Input], 0f, 1f, 0, 1, Dev).KeepAlive();
        _rng = new PhiloxStream(0, 2);
        var labels = new int[Batch];
        for (int i = 0; i < Batch; i++) labels[i] = _rng.NextInt(spec.Classes);
        _y = IntTensor.FromArray(labels, Dev);
        _opt = new Sgd(_model.Parameters, 0.01f, momentum: 0.9f);
        _pgd = new ReferenceWorkloads.PgdStepper(_x, 8f / 255f, 2f / 255f);
    }

    [Benchmark]
    public void TrainStep()
    {
        Tick();
        _model.SetRequiresGrad(true);
        Training.TrainStep.Run(_model, _opt, _x, _y, _rng).Dispose();
        Sync();
    }

    [Benchmark]
    public void PgdStep()
    {
        Tick();
        _model.SetRequiresGrad(false);
        _pgd.Step(_model, _y);
        Sync();
    }

    [Benchmark]
    public void Inference()
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
        _pgd.Dispose();
        _x.Dispose();
        _y.Dispose();
        _model.Dispose();
    }

    public override Work WorkOf(string method) => method switch
    {
        nameof(TrainStep) => new(ModelFlops.TrainStep(ReferenceCnn.Spec, Batch), Batch),
        nameof(PgdStep) => new(ModelFlops.InputGradient(ReferenceCnn.Spec, Batch), Batch),
        _ => new(ModelFlops.Forward(ReferenceCnn.Spec, Batch), Batch),
    };
}
