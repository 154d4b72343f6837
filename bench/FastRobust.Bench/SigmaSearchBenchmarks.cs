using BenchmarkDotNet.Attributes;
using FastRobust.Data;
using FastRobust.Measures;
using FastRobust.Nn;
using FastRobust.Random;
using FastRobust.Tensors;

namespace FastRobust.Bench;

/// <summary>
/// One bisection step of the PAC-Bayes σ search (src/FastRobust/Measures): draw the Monte-Carlo weight samples of
/// the reference CNN on the device (one Philox fill and one fused multiply-add per parameter, into an ensemble of
/// S members) and evaluate all of them on the search images in the ensemble's launches. The step evaluates every
/// image (SearchEvaluation.Full), so each operation does the same work whatever the outcome.
/// </summary>
public class SigmaSearchBenchmarks : DeviceBenchmark
{
    /// <summary>Monte-Carlo samples per step (the measure's default).</summary>
    [Params(10)]
    public int Samples { get; set; } = 10;

    /// <summary>Images of the search set.</summary>
    [Params(64)]
    public int Images { get; set; } = 64;

    private Model _model = null!;
    private PerturbedEnsemble _ens = null!;
    private SharpnessData _data = null!;
    private MeasureOptions _options = null!;
    private Tensor[] _stds = [];
    private int _step;

    [GlobalSetup]
    public void Setup()
    {
        OpenDevice();
        var spec = ReferenceCnn.Spec;
        _model = Model.Create(spec, Dev, 0);
        int size = spec.Input[0] * spec.Input[1] * spec.Input[2];
        var images = new float[Images * size];
        for (int i = 0; i < images.Length; i++) images[i] = Philox.Uniform(0, 3, 0, i);
        var rng = new PhiloxStream(0, 4);
        var labels = new int[Images];
        for (int i = 0; i < Images; i++) labels[i] = rng.NextInt(spec.Classes);
        var set = new Dataset("random images", images, labels, spec.Input[0], spec.Input[1], spec.Input[2], spec.Classes);
        _options = new MeasureOptions { MonteCarloSamples = Samples, SearchChunk = Images, SigmaEvaluation = SearchEvaluation.Full };
        _data = SharpnessData.ForSet(_model, set, Images);
        _ens = new PerturbedEnsemble(_model, Samples);
        _stds = Enumerable.Range(0, _ens.Trainable.Length)
            .Select(k => Tensor.Empty([(int)_ens.BaseParameter(k).MemberCount], Dev).KeepAlive())
            .ToArray();
    }

    [Benchmark]
    public SearchStep SigmaStep()
    {
        Tick();
        const double sigma = 0.01;
        int step = _step++ % 15;
        foreach (var std in _stds)
            Dev.Backend.Fill(std.Buffer, 0, std.Count, (float)PacBayesSigmaSearch.NoiseStd(sigma, 0, false, 0, _options.SigmaConvention));
        _ens.SetGaussian(k => _stds[k], _options.Seed, k => PacBayesSigmaSearch.NoiseStream(false, step, k));
        var s = PacBayesSigmaSearch.EvaluateStep(_ens, _data, _options, sigma);
        Sync();
        return s;
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        ReportPool();
        foreach (var t in _stds) t.Dispose();
        _ens.Dispose();
        _model.Dispose();
    }

    public override Work WorkOf(string method) =>
        new(ModelFlops.Forward(ReferenceCnn.Spec, Images * Samples), (double)Images * Samples);
}
