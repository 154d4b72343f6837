using FastRobust.Kernels;
using ILGPU;
using ILGPU.Runtime;
using AV = ILGPU.ArrayView<float>;
using AI = ILGPU.ArrayView<int>;

namespace FastRobust.Gpu;

/// <summary>
/// The launch delegates of every kernel in kernels/ for one accelerator. Each is compiled on first use and kept
/// for the life of the process (ILGPU compiles a kernel in milliseconds to seconds; a launch is microseconds),
/// all on the accelerator's default stream. A race on first use at worst compiles a kernel twice.
/// </summary>
internal sealed class KernelSet(Accelerator a)
{
    // ---- elementwise ----
    private Action<Index1D, AV, float>? _fill;
    public Action<Index1D, AV, float> Fill => _fill ??= a.LoadAutoGroupedStreamKernel<Index1D, AV, float>(Elementwise.Fill);

    private Action<Index1D, AV, AV, int>? _unary;
    public Action<Index1D, AV, AV, int> Unary => _unary ??= a.LoadAutoGroupedStreamKernel<Index1D, AV, AV, int>(Elementwise.Unary);

    private Action<Index1D, AV, AV, AV, int>? _unaryBackward;
    public Action<Index1D, AV, AV, AV, int> UnaryBackward =>
        _unaryBackward ??= a.LoadAutoGroupedStreamKernel<Index1D, AV, AV, AV, int>(Elementwise.UnaryBackward);

    private Action<Index1D, AV, AV, AV, int>? _binary;
    public Action<Index1D, AV, AV, AV, int> Binary => _binary ??= a.LoadAutoGroupedStreamKernel<Index1D, AV, AV, AV, int>(Elementwise.Binary);

    private Action<Index1D, AV, AV, AV, int, int>? _binaryRow;
    public Action<Index1D, AV, AV, AV, int, int> BinaryRow =>
        _binaryRow ??= a.LoadAutoGroupedStreamKernel<Index1D, AV, AV, AV, int, int>(Elementwise.BinaryRow);

    private Action<Index1D, AV, AV, float, float>? _affine, _axpby, _clamp;
    public Action<Index1D, AV, AV, float, float> Affine => _affine ??= a.LoadAutoGroupedStreamKernel<Index1D, AV, AV, float, float>(Elementwise.Affine);
    public Action<Index1D, AV, AV, float, float> Axpby => _axpby ??= a.LoadAutoGroupedStreamKernel<Index1D, AV, AV, float, float>(Elementwise.Axpby);
    public Action<Index1D, AV, AV, float, float> Clamp => _clamp ??= a.LoadAutoGroupedStreamKernel<Index1D, AV, AV, float, float>(Elementwise.Clamp);

    private Action<Index1D, AV, AV, AV, float, float>? _clampBackward;
    public Action<Index1D, AV, AV, AV, float, float> ClampBackward =>
        _clampBackward ??= a.LoadAutoGroupedStreamKernel<Index1D, AV, AV, AV, float, float>(Elementwise.ClampBackward);

    private Action<Index1D, AV, AV, AV, AV, int, int>? _channelAffine;
    public Action<Index1D, AV, AV, AV, AV, int, int> ChannelAffine =>
        _channelAffine ??= a.LoadAutoGroupedStreamKernel<Index1D, AV, AV, AV, AV, int, int>(Elementwise.ChannelAffine);

    private Action<Index1D, AV, AV, int, int, int>? _addBias;
    public Action<Index1D, AV, AV, int, int, int> AddBias =>
        _addBias ??= a.LoadAutoGroupedStreamKernel<Index1D, AV, AV, int, int, int>(Elementwise.AddBias);

    private Action<Index1D, AV, AV, AV, AV, AV, int>? _maxMinBackward;
    public Action<Index1D, AV, AV, AV, AV, AV, int> MaxMinBackward =>
        _maxMinBackward ??= a.LoadAutoGroupedStreamKernel<Index1D, AV, AV, AV, AV, AV, int>(Elementwise.MaxMinBackward);

    // ---- reductions ----
    private Action<KernelConfig, AV, AV, int, int>? _reduceRows;
    public Action<KernelConfig, AV, AV, int, int> ReduceRows => _reduceRows ??= a.LoadStreamKernel<AV, AV, int, int>(Reduce.Rows);

    private Action<Index1D, AV, AV, int, int, int>? _middleColumns;
    public Action<Index1D, AV, AV, int, int, int> MiddleColumns =>
        _middleColumns ??= a.LoadAutoGroupedStreamKernel<Index1D, AV, AV, int, int, int>(Reduce.MiddleColumns);

    private Action<KernelConfig, AV, AV, int, int, int>? _middleGroups;
    public Action<KernelConfig, AV, AV, int, int, int> MiddleGroups => _middleGroups ??= a.LoadStreamKernel<AV, AV, int, int, int>(Reduce.MiddleGroups);

    private Action<Index1D, AV, AI, int>? _argMax;
    public Action<Index1D, AV, AI, int> ArgMaxRows => _argMax ??= a.LoadAutoGroupedStreamKernel<Index1D, AV, AI, int>(Reduce.ArgMaxRows);

    private Action<Index1D, AV, AI, AV, int, int>? _countCorrect;
    public Action<Index1D, AV, AI, AV, int, int> CountCorrect =>
        _countCorrect ??= a.LoadAutoGroupedStreamKernel<Index1D, AV, AI, AV, int, int>(Reduce.CountCorrect);

    // ---- losses ----
    private Action<Index1D, AV, AI, AV, AV, int, int, float>? _sceForward;
    public Action<Index1D, AV, AI, AV, AV, int, int, float> SceForward =>
        _sceForward ??= a.LoadAutoGroupedStreamKernel<Index1D, AV, AI, AV, AV, int, int, float>(Loss.SoftmaxCrossEntropyForward);

    private Action<Index1D, AV, AI, AV, AV, int, int, float, float>? _sceBackward;
    public Action<Index1D, AV, AI, AV, AV, int, int, float, float> SceBackward =>
        _sceBackward ??= a.LoadAutoGroupedStreamKernel<Index1D, AV, AI, AV, AV, int, int, float, float>(Loss.SoftmaxCrossEntropyBackward);

    private Action<Index1D, AV, AV, int>? _softmax;
    public Action<Index1D, AV, AV, int> Softmax => _softmax ??= a.LoadAutoGroupedStreamKernel<Index1D, AV, AV, int>(Loss.Softmax);

    // ---- optimizers ----
    private Action<Index1D, AV, AV, AV, float, float, float, float, int, int>? _sgd;
    public Action<Index1D, AV, AV, AV, float, float, float, float, int, int> Sgd =>
        _sgd ??= a.LoadAutoGroupedStreamKernel<Index1D, AV, AV, AV, float, float, float, float, int, int>(Optim.Sgd);

    private Action<Index1D, AV, AV, AV, AV, float, float, float, float, float, int, float, float>? _adam;
    public Action<Index1D, AV, AV, AV, AV, float, float, float, float, float, int, float, float> Adam =>
        _adam ??= a.LoadAutoGroupedStreamKernel<Index1D, AV, AV, AV, AV, float, float, float, float, float, int, float, float>(Optim.Adam);

    private Action<Index1D, AV, AV, AV, AV, float, float, float, float, float>? _rmsprop;
    public Action<Index1D, AV, AV, AV, AV, float, float, float, float, float> Rmsprop =>
        _rmsprop ??= a.LoadAutoGroupedStreamKernel<Index1D, AV, AV, AV, AV, float, float, float, float, float>(Optim.Rmsprop);

    // ---- randomness and augmentation ----
    private Action<Index1D, AV, int, ulong, ulong, ulong, float, float>? _uniform, _normal;
    public Action<Index1D, AV, int, ulong, ulong, ulong, float, float> Uniform =>
        _uniform ??= a.LoadAutoGroupedStreamKernel<Index1D, AV, int, ulong, ulong, ulong, float, float>(RandomFill.Uniform);
    public Action<Index1D, AV, int, ulong, ulong, ulong, float, float> Normal =>
        _normal ??= a.LoadAutoGroupedStreamKernel<Index1D, AV, int, ulong, ulong, ulong, float, float>(RandomFill.Normal);

    private Action<Index1D, AV, AV, AV, int, float, float, ulong, ulong, ulong>? _dropout;
    public Action<Index1D, AV, AV, AV, int, float, float, ulong, ulong, ulong> Dropout =>
        _dropout ??= a.LoadAutoGroupedStreamKernel<Index1D, AV, AV, AV, int, float, float, ulong, ulong, ulong>(RandomFill.Dropout);

    private Action<Index1D, AV, AV, int, int, int, int, int, ulong, ulong, ulong>? _cropFlip;
    public Action<Index1D, AV, AV, int, int, int, int, int, ulong, ulong, ulong> RandomCropFlip =>
        _cropFlip ??= a.LoadAutoGroupedStreamKernel<Index1D, AV, AV, int, int, int, int, int, ulong, ulong, ulong>(Transforms.RandomCropFlip);

    // ---- pooling ----
    private Action<Index1D, AV, AV, AI, PoolShape>? _maxPool;
    public Action<Index1D, AV, AV, AI, PoolShape> MaxPool => _maxPool ??= a.LoadAutoGroupedStreamKernel<Index1D, AV, AV, AI, PoolShape>(Pool.MaxForward);

    private Action<Index1D, AV, AI, AV, PoolShape>? _maxPoolBackward;
    public Action<Index1D, AV, AI, AV, PoolShape> MaxPoolBackward =>
        _maxPoolBackward ??= a.LoadAutoGroupedStreamKernel<Index1D, AV, AI, AV, PoolShape>(Pool.MaxBackward);

    private Action<Index1D, AV, AV, PoolShape, float>? _avgPool, _avgPoolBackward;
    public Action<Index1D, AV, AV, PoolShape, float> AvgPool => _avgPool ??= a.LoadAutoGroupedStreamKernel<Index1D, AV, AV, PoolShape, float>(Pool.AvgForward);
    public Action<Index1D, AV, AV, PoolShape, float> AvgPoolBackward =>
        _avgPoolBackward ??= a.LoadAutoGroupedStreamKernel<Index1D, AV, AV, PoolShape, float>(Pool.AvgBackward);

    // ---- batch norm ----
    private Action<KernelConfig, AV, AV, AV, AV, AV, AV, AV, AV, NormShape, float, float>? _bnTrain;
    public Action<KernelConfig, AV, AV, AV, AV, AV, AV, AV, AV, NormShape, float, float> BnTrain =>
        _bnTrain ??= a.LoadStreamKernel<AV, AV, AV, AV, AV, AV, AV, AV, NormShape, float, float>(Norm.TrainForward);

    private Action<Index1D, AV, AV, AV, AV, AV, AV, NormShape, float>? _bnEval;
    public Action<Index1D, AV, AV, AV, AV, AV, AV, NormShape, float> BnEval =>
        _bnEval ??= a.LoadAutoGroupedStreamKernel<Index1D, AV, AV, AV, AV, AV, AV, NormShape, float>(Norm.EvalForward);

    private Action<KernelConfig, AV, AV, AV, AV, AV, AV, AV, AV, NormShape, int, int, int>? _bnBackward;
    public Action<KernelConfig, AV, AV, AV, AV, AV, AV, AV, AV, NormShape, int, int, int> BnBackward =>
        _bnBackward ??= a.LoadStreamKernel<AV, AV, AV, AV, AV, AV, AV, AV, NormShape, int, int, int>(Norm.TrainBackward);

    private Action<KernelConfig, AV, AV, AV, AV, AV, AV, AV, AV, NormShape, float, int, int, int>? _bnEvalBackward;
    public Action<KernelConfig, AV, AV, AV, AV, AV, AV, AV, AV, NormShape, float, int, int, int> BnEvalBackward =>
        _bnEvalBackward ??= a.LoadStreamKernel<AV, AV, AV, AV, AV, AV, AV, AV, NormShape, float, int, int, int>(Norm.EvalBackward);

    // ---- GEMM and convolution ----
    private Action<KernelConfig, AV, AV, AV, GemmShape>? _gemm;
    public Action<KernelConfig, AV, AV, AV, GemmShape> Gemm => _gemm ??= a.LoadStreamKernel<AV, AV, AV, GemmShape>(Kernels.Gemm.Tiled);

    private Action<KernelConfig, AV, AV, AV, AV, ConvShape, int>? _convForward;
    public Action<KernelConfig, AV, AV, AV, AV, ConvShape, int> ConvForward =>
        _convForward ??= a.LoadStreamKernel<AV, AV, AV, AV, ConvShape, int>(Conv.Forward);

    private Action<KernelConfig, AV, AV, AV, ConvShape>? _convData, _convWeight;
    public Action<KernelConfig, AV, AV, AV, ConvShape> ConvBackwardData => _convData ??= a.LoadStreamKernel<AV, AV, AV, ConvShape>(Conv.BackwardData);
    public Action<KernelConfig, AV, AV, AV, ConvShape> ConvBackwardWeight => _convWeight ??= a.LoadStreamKernel<AV, AV, AV, ConvShape>(Conv.BackwardWeight);

    private Action<Index1D, AV, AV, int, int>? _sumSplits;
    public Action<Index1D, AV, AV, int, int> SumSplits => _sumSplits ??= a.LoadAutoGroupedStreamKernel<Index1D, AV, AV, int, int>(Conv.SumSplits);

    private Action<KernelConfig, AV, AV, ConvShape>? _convBias;
    public Action<KernelConfig, AV, AV, ConvShape> ConvBiasGrad => _convBias ??= a.LoadStreamKernel<AV, AV, ConvShape>(Conv.BiasGrad);
}
