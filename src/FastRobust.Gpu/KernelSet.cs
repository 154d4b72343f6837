using FastRobust.Kernels;
using ILGPU;
using ILGPU.Runtime;
using AV = ILGPU.ArrayView<float>;
using AI = ILGPU.ArrayView<int>;

namespace FastRobust.Gpu;

/// <summary>
/// The launch delegates of every kernel in kernels/ for one accelerator. Each is compiled on first use and kept
/// for the life of the process (ILGPU compiles a kernel in milliseconds to seconds; a launch is microseconds),
/// all launched on the accelerator's default stream with an explicit KernelConfig (element-parallel kernels loop
/// grid-stride, so the backend sizes their grids to the device). A race on first use at worst compiles twice.
/// </summary>
internal sealed class KernelSet(Accelerator a)
{
    private readonly Dictionary<string, Delegate> _loaded = new();

    /// <summary>
    /// A kernel loaded once under <paramref name="name"/> (its class and method, say), for kernels whose launcher lives
    /// beside the feature that uses them (src/FastRobust.Gpu/Corruptions/) rather than as a property here.
    /// </summary>
    public T Load<T>(string name, Func<Accelerator, T> load) where T : Delegate
    {
        lock (_loaded)
        {
            if (!_loaded.TryGetValue(name, out var kernel)) _loaded[name] = kernel = load(a);
            return (T)kernel;
        }
    }

    private Action<KernelConfig, AV, int, float>? _fill;
    public Action<KernelConfig, AV, int, float> Fill => _fill ??= a.LoadStreamKernel<AV, int, float>(Elementwise.Fill);

    private Action<KernelConfig, AV, AV, int, int>? _unary;
    public Action<KernelConfig, AV, AV, int, int> Unary => _unary ??= a.LoadStreamKernel<AV, AV, int, int>(Elementwise.Unary);

    private Action<KernelConfig, AV, AV, AV, int, int>? _unaryBackward;
    public Action<KernelConfig, AV, AV, AV, int, int> UnaryBackward => _unaryBackward ??= a.LoadStreamKernel<AV, AV, AV, int, int>(Elementwise.UnaryBackward);

    private Action<KernelConfig, AV, AV, AV, int, int>? _binary;
    public Action<KernelConfig, AV, AV, AV, int, int> Binary => _binary ??= a.LoadStreamKernel<AV, AV, AV, int, int>(Elementwise.Binary);

    private Action<KernelConfig, AV, AV, AV, int, int, int>? _binaryRow;
    public Action<KernelConfig, AV, AV, AV, int, int, int> BinaryRow => _binaryRow ??= a.LoadStreamKernel<AV, AV, AV, int, int, int>(Elementwise.BinaryRow);

    private Action<KernelConfig, AV, AV, int, float, float>? _affine;
    public Action<KernelConfig, AV, AV, int, float, float> Affine => _affine ??= a.LoadStreamKernel<AV, AV, int, float, float>(Elementwise.Affine);

    private Action<KernelConfig, AV, AV, int, float, float>? _axpby;
    public Action<KernelConfig, AV, AV, int, float, float> Axpby => _axpby ??= a.LoadStreamKernel<AV, AV, int, float, float>(Elementwise.Axpby);

    private Action<KernelConfig, AV, AV, int, float, float>? _clamp;
    public Action<KernelConfig, AV, AV, int, float, float> Clamp => _clamp ??= a.LoadStreamKernel<AV, AV, int, float, float>(Elementwise.Clamp);

    private Action<KernelConfig, AV, AV, AV, int, float, float>? _clampBackward;
    public Action<KernelConfig, AV, AV, AV, int, float, float> ClampBackward => _clampBackward ??= a.LoadStreamKernel<AV, AV, AV, int, float, float>(Elementwise.ClampBackward);

    private Action<KernelConfig, AV, AV, AV, AV, int, int, int>? _channelAffine;
    public Action<KernelConfig, AV, AV, AV, AV, int, int, int> ChannelAffine => _channelAffine ??= a.LoadStreamKernel<AV, AV, AV, AV, int, int, int>(Elementwise.ChannelAffine);

    private Action<KernelConfig, AV, AV, int, int, int, int>? _addBias;
    public Action<KernelConfig, AV, AV, int, int, int, int> AddBias => _addBias ??= a.LoadStreamKernel<AV, AV, int, int, int, int>(Elementwise.AddBias);

    private Action<KernelConfig, AV, AV, AV, AV, AV, int, int>? _maxMinBackward;
    public Action<KernelConfig, AV, AV, AV, AV, AV, int, int> MaxMinBackward => _maxMinBackward ??= a.LoadStreamKernel<AV, AV, AV, AV, AV, int, int>(Elementwise.MaxMinBackward);

    private Action<KernelConfig, AV, AV, int, int>? _reduceRows;
    public Action<KernelConfig, AV, AV, int, int> ReduceRows => _reduceRows ??= a.LoadStreamKernel<AV, AV, int, int>(Reduce.Rows);

    private Action<KernelConfig, AV, AV, int, int, int, int>? _middleColumns;
    public Action<KernelConfig, AV, AV, int, int, int, int> MiddleColumns => _middleColumns ??= a.LoadStreamKernel<AV, AV, int, int, int, int>(Reduce.MiddleColumns);

    private Action<KernelConfig, AV, AV, int, int, int>? _middleGroups;
    public Action<KernelConfig, AV, AV, int, int, int> MiddleGroups => _middleGroups ??= a.LoadStreamKernel<AV, AV, int, int, int>(Reduce.MiddleGroups);

    private Action<KernelConfig, AV, AI, int, int>? _argMaxRows;
    public Action<KernelConfig, AV, AI, int, int> ArgMaxRows => _argMaxRows ??= a.LoadStreamKernel<AV, AI, int, int>(Reduce.ArgMaxRows);

    private Action<KernelConfig, AV, AI, AV, int, int, int>? _countCorrect;
    public Action<KernelConfig, AV, AI, AV, int, int, int> CountCorrect => _countCorrect ??= a.LoadStreamKernel<AV, AI, AV, int, int, int>(Reduce.CountCorrect);

    private Action<KernelConfig, AV, AI, AV, AV, int, int, int, float>? _sceForward;
    public Action<KernelConfig, AV, AI, AV, AV, int, int, int, float> SceForward => _sceForward ??= a.LoadStreamKernel<AV, AI, AV, AV, int, int, int, float>(Loss.SoftmaxCrossEntropyForward);

    private Action<KernelConfig, AV, AI, AV, AV, int, int, int, float, float>? _sceBackward;
    public Action<KernelConfig, AV, AI, AV, AV, int, int, int, float, float> SceBackward => _sceBackward ??= a.LoadStreamKernel<AV, AI, AV, AV, int, int, int, float, float>(Loss.SoftmaxCrossEntropyBackward);

    private Action<KernelConfig, AV, AV, int, int>? _softmax;
    public Action<KernelConfig, AV, AV, int, int> Softmax => _softmax ??= a.LoadStreamKernel<AV, AV, int, int>(Loss.Softmax);

    private Action<KernelConfig, AV, AV, AV, int, float, float, float, float, int, int>? _sgd;
    public Action<KernelConfig, AV, AV, AV, int, float, float, float, float, int, int> Sgd => _sgd ??= a.LoadStreamKernel<AV, AV, AV, int, float, float, float, float, int, int>(Optim.Sgd);

    private Action<KernelConfig, AV, AV, AV, AV, int, float, float, float, float, float, int, float, float>? _adam;
    public Action<KernelConfig, AV, AV, AV, AV, int, float, float, float, float, float, int, float, float> Adam => _adam ??= a.LoadStreamKernel<AV, AV, AV, AV, int, float, float, float, float, float, int, float, float>(Optim.Adam);

    private Action<KernelConfig, AV, AV, AV, AV, int, float, float, float, float, float>? _rmsprop;
    public Action<KernelConfig, AV, AV, AV, AV, int, float, float, float, float, float> Rmsprop => _rmsprop ??= a.LoadStreamKernel<AV, AV, AV, AV, int, float, float, float, float, float>(Optim.Rmsprop);

    private Action<KernelConfig, AV, int, ulong, ulong, ulong, float, float>? _uniform;
    public Action<KernelConfig, AV, int, ulong, ulong, ulong, float, float> Uniform => _uniform ??= a.LoadStreamKernel<AV, int, ulong, ulong, ulong, float, float>(RandomFill.Uniform);

    private Action<KernelConfig, AV, int, ulong, ulong, ulong, float, float>? _normal;
    public Action<KernelConfig, AV, int, ulong, ulong, ulong, float, float> Normal => _normal ??= a.LoadStreamKernel<AV, int, ulong, ulong, ulong, float, float>(RandomFill.Normal);

    private Action<KernelConfig, AV, AV, AV, int, float, float, ulong, ulong, ulong>? _dropout;
    public Action<KernelConfig, AV, AV, AV, int, float, float, ulong, ulong, ulong> Dropout => _dropout ??= a.LoadStreamKernel<AV, AV, AV, int, float, float, ulong, ulong, ulong>(RandomFill.Dropout);

    private Action<KernelConfig, AV, AV, int, int, int, int, int, int, ulong, ulong, ulong>? _randomCropFlip;
    public Action<KernelConfig, AV, AV, int, int, int, int, int, int, ulong, ulong, ulong> RandomCropFlip => _randomCropFlip ??= a.LoadStreamKernel<AV, AV, int, int, int, int, int, int, ulong, ulong, ulong>(Transforms.RandomCropFlip);

    private Action<KernelConfig, AV, AV, AI, int, PoolShape>? _maxPool;
    public Action<KernelConfig, AV, AV, AI, int, PoolShape> MaxPool => _maxPool ??= a.LoadStreamKernel<AV, AV, AI, int, PoolShape>(Pool.MaxForward);

    private Action<KernelConfig, AV, AI, AV, int, PoolShape>? _maxPoolBackward;
    public Action<KernelConfig, AV, AI, AV, int, PoolShape> MaxPoolBackward => _maxPoolBackward ??= a.LoadStreamKernel<AV, AI, AV, int, PoolShape>(Pool.MaxBackward);

    private Action<KernelConfig, AV, AV, int, PoolShape, float>? _avgPool;
    public Action<KernelConfig, AV, AV, int, PoolShape, float> AvgPool => _avgPool ??= a.LoadStreamKernel<AV, AV, int, PoolShape, float>(Pool.AvgForward);

    private Action<KernelConfig, AV, AV, int, PoolShape, float>? _avgPoolBackward;
    public Action<KernelConfig, AV, AV, int, PoolShape, float> AvgPoolBackward => _avgPoolBackward ??= a.LoadStreamKernel<AV, AV, int, PoolShape, float>(Pool.AvgBackward);

    private Action<KernelConfig, AV, AV, AV, AV, AV, AV, AV, AV, NormShape, float, float>? _bnTrain;
    public Action<KernelConfig, AV, AV, AV, AV, AV, AV, AV, AV, NormShape, float, float> BnTrain => _bnTrain ??= a.LoadStreamKernel<AV, AV, AV, AV, AV, AV, AV, AV, NormShape, float, float>(Norm.TrainForward);

    private Action<KernelConfig, AV, AV, AV, AV, AV, AV, int, NormShape, float>? _bnEval;
    public Action<KernelConfig, AV, AV, AV, AV, AV, AV, int, NormShape, float> BnEval => _bnEval ??= a.LoadStreamKernel<AV, AV, AV, AV, AV, AV, int, NormShape, float>(Norm.EvalForward);

    private Action<KernelConfig, AV, AV, AV, AV, AV, AV, AV, AV, NormShape, int, int, int>? _bnBackward;
    public Action<KernelConfig, AV, AV, AV, AV, AV, AV, AV, AV, NormShape, int, int, int> BnBackward => _bnBackward ??= a.LoadStreamKernel<AV, AV, AV, AV, AV, AV, AV, AV, NormShape, int, int, int>(Norm.TrainBackward);

    private Action<KernelConfig, AV, AV, AV, AV, AV, AV, AV, AV, NormShape, float, int, int, int>? _bnEvalBackward;
    public Action<KernelConfig, AV, AV, AV, AV, AV, AV, AV, AV, NormShape, float, int, int, int> BnEvalBackward => _bnEvalBackward ??= a.LoadStreamKernel<AV, AV, AV, AV, AV, AV, AV, AV, NormShape, float, int, int, int>(Norm.EvalBackward);

    private Action<KernelConfig, AV, AV, AV, GemmShape>? _gemm;
    public Action<KernelConfig, AV, AV, AV, GemmShape> Gemm => _gemm ??= a.LoadStreamKernel<AV, AV, AV, GemmShape>(Kernels.Gemm.Tiled);

    private Action<KernelConfig, AV, AV, GemmShape, int>? _gemmSumSplits;
    public Action<KernelConfig, AV, AV, GemmShape, int> GemmSumSplits => _gemmSumSplits ??= a.LoadStreamKernel<AV, AV, GemmShape, int>(Kernels.Gemm.SumSplits);

    private Action<KernelConfig, AV, AV, AV, AV, ConvShape, int, int>? _convForward;
    public Action<KernelConfig, AV, AV, AV, AV, ConvShape, int, int> ConvForward => _convForward ??= a.LoadStreamKernel<AV, AV, AV, AV, ConvShape, int, int>(Conv.Forward);

    private Action<KernelConfig, AV, AV, AV, ConvShape>? _convBackwardData;
    public Action<KernelConfig, AV, AV, AV, ConvShape> ConvBackwardData => _convBackwardData ??= a.LoadStreamKernel<AV, AV, AV, ConvShape>(Conv.BackwardData);

    private Action<KernelConfig, AV, AV, AV, ConvShape>? _convBackwardDataFew;
    public Action<KernelConfig, AV, AV, AV, ConvShape> ConvBackwardDataFew => _convBackwardDataFew ??= a.LoadStreamKernel<AV, AV, AV, ConvShape>(Conv.BackwardDataFew);

    private Action<KernelConfig, AV, AV, int, int, int, int, int>? _convFlipWeights;
    public Action<KernelConfig, AV, AV, int, int, int, int, int> ConvFlipWeights =>
        _convFlipWeights ??= a.LoadStreamKernel<AV, AV, int, int, int, int, int>(Conv.FlipWeights);

    private Action<KernelConfig, AV, AV, AV, ConvShape>? _convBackwardWeight;
    public Action<KernelConfig, AV, AV, AV, ConvShape> ConvBackwardWeight => _convBackwardWeight ??= a.LoadStreamKernel<AV, AV, AV, ConvShape>(Conv.BackwardWeight);

    private Action<KernelConfig, AV, AV, int, int>? _sumSplits;
    public Action<KernelConfig, AV, AV, int, int> SumSplits => _sumSplits ??= a.LoadStreamKernel<AV, AV, int, int>(Conv.SumSplits);

    private Action<KernelConfig, AV, AV, ConvShape>? _convBiasGrad;
    public Action<KernelConfig, AV, AV, ConvShape> ConvBiasGrad => _convBiasGrad ??= a.LoadStreamKernel<AV, AV, ConvShape>(Conv.BiasGrad);
}
