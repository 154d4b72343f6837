using BenchmarkDotNet.Attributes;
using FastRobust.Attacks;
using FastRobust.Nn;
using FastRobust.Random;
using FastRobust.Tensors;

namespace FastRobust.Bench;

/// <summary>
/// One attack from src/FastRobust/Attacks over a batch: PGD-L∞ (ε 8/255, α 2/255, 10 steps, random start) on the
/// reference CNN through <see cref="IAttack.Run"/>, with the clean predictions as labels so every image is attacked
/// and early stopping off, so every operation does all 10 steps on every image.
/// </summary>
public class AttackBenchmarks : DeviceBenchmark
{
    public const int Steps = 10;

    [Params(32)]
    public int Batch { get; set; } = 32;

    private Model _model = null!;
    private Tensor _x = null!;
    private IntTensor _y = null!;
    private readonly Pgd _pgd = new();
    private AttackOptions _options = null!;

    [GlobalSetup]
    public void Setup()
    {
        OpenDevice();
        var spec = ReferenceCnn.Spec;
        _model = Model.Create(spec, Dev, 0);
        _x = Tensor.Uniform([Batch, .. spec.Input], 0f, 1f, 0, 1, Dev).KeepAlive();
        float[] logits;
        using (GradMode.NoGrad())
        using (new TensorScope())
            logits = _model.Forward(_x).ToArray();
        var predicted = new int[Batch];
        for (int i = 0, k = spec.Classes; i < Batch; i++)
            for (int j = 1; j < k; j++)
                if (logits[i * k + j] > logits[i * k + predicted[i]]) predicted[i] = j;
        _y = IntTensor.FromArray(predicted, Dev);
        _options = new AttackOptions
        {
            Epsilon = 8f / 255f, StepSize = 2f / 255f, Steps = Steps, RandomStart = true, EarlyStop = false, Batch = Batch,
        };
    }

    [Benchmark]
    public void PgdAttack()
    {
        Tick();
        using var result = _pgd.Run(_model, _x, _y, _options, new PhiloxStream(0, 5));
        Sync();
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        ReportPool();
        _x.Dispose();
        _y.Dispose();
        _model.Dispose();
    }

    /// <summary>≈ 10 steps of forward + input gradient, plus the clean and the final forward pass.</summary>
    public override Work WorkOf(string method) =>
        new(Steps * ModelFlops.InputGradient(ReferenceCnn.Spec, Batch) + 2 * ModelFlops.Forward(ReferenceCnn.Spec, Batch), Batch);
}
