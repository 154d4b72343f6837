using BenchmarkDotNet.Attributes;
using FastRobust.Nn;
using FastRobust.Nn.Optim;
using FastRobust.Random;
using FastRobust.Tensors;
using FastRobust.Training;

namespace FastRobust.Bench;

/// <summary>
/// A zoo of E = 4 reference CNNs that differ only in their optimizers (SGD, SGD with Nesterov, Adam, RMSprop), one
/// training step on one batch: as one ensemble (<see cref="ZooTrainer"/>: one pass over the shared input, each
/// member's own optimizer on its slice) against the four models stepped one by one. Work: 4 models' training FLOPs.
/// </summary>
public class ZooBenchmarks : DeviceBenchmark
{
    private const int Members = 4;

    [Params(128)]
    public int Batch { get; set; } = 128;

    private Model _zoo = null!;
    private Model[] _singles = null!;
    private Optimizer _zooOpt = null!;
    private Optimizer[] _singleOpts = null!;
    private Tensor _x = null!, _lossSums = null!, _correct = null!;
    private IntTensor _y = null!;
    private PhiloxStream _rng = null!;

    private static Optimizer Make(int e, IEnumerable<Parameter> ps, MemberSlice slice, OptimizerState state) => e switch
    {
        0 => Optimizer.Create("sgd", ps, 0.01f, 0.9f, 5e-4f, false, slice, state),
        1 => Optimizer.Create("sgd", ps, 0.02f, 0.9f, 0f, true, slice, state),
        2 => Optimizer.Create("adam", ps, 1e-3f, 0f, 0f, false, slice, state),
        _ => Optimizer.Create("rmsprop", ps, 1e-3f, 0f, 1e-4f, false, slice, state),
    };

    [GlobalSetup]
    public void Setup()
    {
        OpenDevice();
        var spec = ReferenceCnn.Spec;
        _singles = Enumerable.Range(0, Members).Select(e => Model.Create(spec, Dev, (ulong)e)).ToArray();
        _zoo = Model.Stack(_singles);
        var state = new OptimizerState();
        _zooOpt = new MemberOptimizers(Enumerable.Range(0, Members).Select(e => Make(e, _zoo.Parameters, new MemberSlice(e, Members), state)).ToList());
        _singleOpts = Enumerable.Range(0, Members).Select(e => Make(e, _singles[e].Parameters, MemberSlice.All, new OptimizerState())).ToArray();
        _x = Tensor.Uniform([Batch, .. spec.Input], 0f, 1f, 0, 1, Dev).KeepAlive();
        _rng = new PhiloxStream(0, 2);
        var labels = new int[Batch];
        for (int i = 0; i < Batch; i++) labels[i] = _rng.NextInt(spec.Classes);
        _y = IntTensor.FromArray(labels, Dev);
        _lossSums = Tensor.Zeros([Members], Dev).KeepAlive();
        _correct = Tensor.Zeros([Members], Dev).KeepAlive();
    }

    [Benchmark]
    public void ZooStep()
    {
        Tick();
        _zoo.SetRequiresGrad(true);
        ZooTrainer.Step(_zoo, _zooOpt, _x, _y, _rng, 0f, _lossSums, _correct);
        Sync();
    }

    [Benchmark]
    public void OneByOneSteps()
    {
        Tick();
        for (int e = 0; e < Members; e++)
        {
            _singles[e].SetRequiresGrad(true);
            TrainStep.Run(_singles[e], _singleOpts[e], _x, _y, _rng).Dispose();
        }
        Sync();
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        ReportPool();
        _x.Dispose();
        _y.Dispose();
        _lossSums.Dispose();
        _correct.Dispose();
        _zoo.Dispose();
        foreach (var m in _singles) m.Dispose();
    }

    public override Work WorkOf(string method) =>
        new(ModelFlops.TrainStep(ReferenceCnn.Spec, Batch * Members), (double)Batch * Members);
}
