using System.Collections.Concurrent;
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
    private readonly ConcurrentDictionary<string, Delegate> _loaded = new();

    /// <summary>
    /// The kernel kept under <paramref name="name"/>, compiled by <paramref name="load"/> on first use: the one cache
    /// of this class. The engine's kernels below are kept under their property's name; kernels whose launcher lives
    /// beside the feature that uses them (src/FastRobust.Gpu/Corruptions/) under "Class.Method".
    /// </summary>
    public T Load<T>(string name, Func<Accelerator, T> load) where T : Delegate =>
        (T)(_loaded.TryGetValue(name, out var kernel) ? kernel : _loaded.GetOrAdd(name, load(a)));

    public Action<KernelConfig, AV, int, float> Fill => Load(nameof(Fill), static acc => acc.LoadStreamKernel<AV, int, float>(Elementwise.Fill));

    public Action<KernelConfig, AV, AV, int, int> Unary => Load(nameof(Unary), static acc => acc.LoadStreamKernel<AV, AV, int, int>(Elementwise.Unary));

    public Action<KernelConfig, AV, AV, AV, int, int> UnaryBackward => Load(nameof(UnaryBackward), static acc => acc.LoadStreamKernel<AV, AV, AV, int, int>(Elementwise.UnaryBackward));

    public Action<KernelConfig, AV, AV, AV, int, int> Binary => Load(nameof(Binary), static acc => acc.LoadStreamKernel<AV, AV, AV, int, int>(Elementwise.Binary));

    public Action<KernelConfig, AV, AV, AV, int, int, int> BinaryRow => Load(nameof(BinaryRow), static acc => acc.LoadStreamKernel<AV, AV, AV, int, int, int>(Elementwise.BinaryRow));

    public Action<KernelConfig, AV, AV, int, float, float> Affine => Load(nameof(Affine), static acc => acc.LoadStreamKernel<AV, AV, int, float, float>(Elementwise.Affine));

    public Action<KernelConfig, AV, AV, int, float, float> Axpby => Load(nameof(Axpby), static acc => acc.LoadStreamKernel<AV, AV, int, float, float>(Elementwise.Axpby));

    public Action<KernelConfig, AV, AV, int, float, float> Clamp => Load(nameof(Clamp), static acc => acc.LoadStreamKernel<AV, AV, int, float, float>(Elementwise.Clamp));

    public Action<KernelConfig, AV, AV, AV, int, float, float> ClampBackward => Load(nameof(ClampBackward), static acc => acc.LoadStreamKernel<AV, AV, AV, int, float, float>(Elementwise.ClampBackward));

    public Action<KernelConfig, AV, AV, AV, AV, int, int, int> ChannelAffine => Load(nameof(ChannelAffine), static acc => acc.LoadStreamKernel<AV, AV, AV, AV, int, int, int>(Elementwise.ChannelAffine));

    public Action<KernelConfig, AV, AV, int, int, int, int> AddBias => Load(nameof(AddBias), static acc => acc.LoadStreamKernel<AV, AV, int, int, int, int>(Elementwise.AddBias));

    public Action<KernelConfig, AV, AV, AV, AV, AV, int, int> MaxMinBackward => Load(nameof(MaxMinBackward), static acc => acc.LoadStreamKernel<AV, AV, AV, AV, AV, int, int>(Elementwise.MaxMinBackward));

    public Action<KernelConfig, AV, AV, int, int> ReduceRows => Load(nameof(ReduceRows), static acc => acc.LoadStreamKernel<AV, AV, int, int>(Reduce.Rows));

    public Action<KernelConfig, AV, AV, int, int, int, int> MiddleColumns => Load(nameof(MiddleColumns), static acc => acc.LoadStreamKernel<AV, AV, int, int, int, int>(Reduce.MiddleColumns));

    public Action<KernelConfig, AV, AV, int, int, int> MiddleGroups => Load(nameof(MiddleGroups), static acc => acc.LoadStreamKernel<AV, AV, int, int, int>(Reduce.MiddleGroups));

    public Action<KernelConfig, AV, AI, int, int> ArgMaxRows => Load(nameof(ArgMaxRows), static acc => acc.LoadStreamKernel<AV, AI, int, int>(Reduce.ArgMaxRows));

    public Action<KernelConfig, AV, AI, AV, int, int, int> CountCorrect => Load(nameof(CountCorrect), static acc => acc.LoadStreamKernel<AV, AI, AV, int, int, int>(Reduce.CountCorrect));

    public Action<KernelConfig, AV, AI, AV, AV, int, int, int, float> SceForward => Load(nameof(SceForward), static acc => acc.LoadStreamKernel<AV, AI, AV, AV, int, int, int, float>(Loss.SoftmaxCrossEntropyForward));

    public Action<KernelConfig, AV, AI, AV, AV, int, int, int, float, float> SceBackward => Load(nameof(SceBackward), static acc => acc.LoadStreamKernel<AV, AI, AV, AV, int, int, int, float, float>(Loss.SoftmaxCrossEntropyBackward));

    public Action<KernelConfig, AV, AV, int, int> Softmax => Load(nameof(Softmax), static acc => acc.LoadStreamKernel<AV, AV, int, int>(Loss.Softmax));

    public Action<KernelConfig, AV, AV, AV, int, float, float, float, float, int, int> Sgd => Load(nameof(Sgd), static acc => acc.LoadStreamKernel<AV, AV, AV, int, float, float, float, float, int, int>(Optim.Sgd));

    public Action<KernelConfig, AV, AV, AV, AV, int, float, float, float, float, float, int, float, float> Adam => Load(nameof(Adam), static acc => acc.LoadStreamKernel<AV, AV, AV, AV, int, float, float, float, float, float, int, float, float>(Optim.Adam));

    public Action<KernelConfig, AV, AV, AV, AV, int, float, float, float, float, float> Rmsprop => Load(nameof(Rmsprop), static acc => acc.LoadStreamKernel<AV, AV, AV, AV, int, float, float, float, float, float>(Optim.Rmsprop));

    public Action<KernelConfig, AV, int, ulong, ulong, ulong, float, float> Uniform => Load(nameof(Uniform), static acc => acc.LoadStreamKernel<AV, int, ulong, ulong, ulong, float, float>(RandomFill.Uniform));

    public Action<KernelConfig, AV, int, ulong, ulong, ulong, float, float> Normal => Load(nameof(Normal), static acc => acc.LoadStreamKernel<AV, int, ulong, ulong, ulong, float, float>(RandomFill.Normal));

    public Action<KernelConfig, AV, AV, AV, int, float, float, ulong, ulong, ulong> Dropout => Load(nameof(Dropout), static acc => acc.LoadStreamKernel<AV, AV, AV, int, float, float, ulong, ulong, ulong>(RandomFill.Dropout));

    public Action<KernelConfig, AV, AV, int, int, int, int, int, int, ulong, ulong, ulong> RandomCropFlip => Load(nameof(RandomCropFlip), static acc => acc.LoadStreamKernel<AV, AV, int, int, int, int, int, int, ulong, ulong, ulong>(Transforms.RandomCropFlip));

    public Action<KernelConfig, AV, AV, AI, int, PoolShape> MaxPool => Load(nameof(MaxPool), static acc => acc.LoadStreamKernel<AV, AV, AI, int, PoolShape>(Pool.MaxForward));

    public Action<KernelConfig, AV, AI, AV, int, PoolShape> MaxPoolBackward => Load(nameof(MaxPoolBackward), static acc => acc.LoadStreamKernel<AV, AI, AV, int, PoolShape>(Pool.MaxBackward));

    public Action<KernelConfig, AV, AV, int, PoolShape, float> AvgPool => Load(nameof(AvgPool), static acc => acc.LoadStreamKernel<AV, AV, int, PoolShape, float>(Pool.AvgForward));

    public Action<KernelConfig, AV, AV, int, PoolShape, float> AvgPoolBackward => Load(nameof(AvgPoolBackward), static acc => acc.LoadStreamKernel<AV, AV, int, PoolShape, float>(Pool.AvgBackward));

    public Action<KernelConfig, AV, AV, AV, AV, AV, AV, AV, AV, NormShape, float, float> BnTrain => Load(nameof(BnTrain), static acc => acc.LoadStreamKernel<AV, AV, AV, AV, AV, AV, AV, AV, NormShape, float, float>(Norm.TrainForward));

    public Action<KernelConfig, AV, AV, AV, AV, AV, AV, int, NormShape, float> BnEval => Load(nameof(BnEval), static acc => acc.LoadStreamKernel<AV, AV, AV, AV, AV, AV, int, NormShape, float>(Norm.EvalForward));

    public Action<KernelConfig, AV, AV, AV, AV, AV, AV, AV, AV, NormShape, int, int, int> BnBackward => Load(nameof(BnBackward), static acc => acc.LoadStreamKernel<AV, AV, AV, AV, AV, AV, AV, AV, NormShape, int, int, int>(Norm.TrainBackward));

    public Action<KernelConfig, AV, AV, AV, AV, AV, AV, AV, AV, NormShape, float, int, int, int> BnEvalBackward => Load(nameof(BnEvalBackward), static acc => acc.LoadStreamKernel<AV, AV, AV, AV, AV, AV, AV, AV, NormShape, float, int, int, int>(Norm.EvalBackward));

    public Action<KernelConfig, AV, AV, AV, GemmShape> Gemm => Load(nameof(Gemm), static acc => acc.LoadStreamKernel<AV, AV, AV, GemmShape>(Kernels.Gemm.Tiled));

    public Action<KernelConfig, AV, AV, GemmShape, int> GemmSumSplits => Load(nameof(GemmSumSplits), static acc => acc.LoadStreamKernel<AV, AV, GemmShape, int>(Kernels.Gemm.SumSplits));

    public Action<KernelConfig, AV, AV, AV, AV, ConvShape, int, int> ConvForward => Load(nameof(ConvForward), static acc => acc.LoadStreamKernel<AV, AV, AV, AV, ConvShape, int, int>(Conv.Forward));

    public Action<KernelConfig, AV, AV, AV, ConvShape> ConvBackwardData => Load(nameof(ConvBackwardData), static acc => acc.LoadStreamKernel<AV, AV, AV, ConvShape>(Conv.BackwardData));

    public Action<KernelConfig, AV, AV, AV, ConvShape> ConvBackwardDataFew => Load(nameof(ConvBackwardDataFew), static acc => acc.LoadStreamKernel<AV, AV, AV, ConvShape>(Conv.BackwardDataFew));

    public Action<KernelConfig, AV, AV, int, int, int, int, int> ConvFlipWeights => Load(nameof(ConvFlipWeights), static acc => acc.LoadStreamKernel<AV, AV, int, int, int, int, int>(Conv.FlipWeights));

    public Action<KernelConfig, AV, AV, AV, ConvShape> ConvBackwardWeight => Load(nameof(ConvBackwardWeight), static acc => acc.LoadStreamKernel<AV, AV, AV, ConvShape>(Conv.BackwardWeight));

    public Action<KernelConfig, AV, AV, int, int> SumSplits => Load(nameof(SumSplits), static acc => acc.LoadStreamKernel<AV, AV, int, int>(Conv.SumSplits));

    public Action<KernelConfig, AV, AV, ConvShape> ConvBiasGrad => Load(nameof(ConvBiasGrad), static acc => acc.LoadStreamKernel<AV, AV, ConvShape>(Conv.BiasGrad));
}
