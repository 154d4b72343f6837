using FastRobust.Autograd;
using FastRobust.Tensors;
using FastRobust.Tests.OpsTests.Reference;
using FastRobust.Tests.OpsTests.Support;
using Xunit;

namespace FastRobust.Tests.OpsTests;

/// <summary>BatchNorm2d (single model) in training and eval mode against the float64 reference.</summary>
public class BatchNormTests
{
    private const float Eps = 1e-5f;

    [Theory]
    [InlineData(3, 4, 7, 5, 1)]
    [InlineData(1, 3, 7, 5, 2)]
    [InlineData(5, 2, 1, 1, 3)]
    [InlineData(2, 3, 4, 4, 4)]
    public void TrainForwardBackward(int n, int c, int h, int w, int seed)
    {
        var r = new System.Random(seed);
        // an offset and scale per element so the normalisation has work to do
        var x = Check.Uniform(r, n * c * h * w, 0.5, 3);
        var gamma = Check.Uniform(r, c, 0.5, 1.5);
        var beta = Check.Uniform(r, c);
        var zeros = new double[c];
        var ones = Enumerable.Repeat(1.0, c).ToArray();
        GradCheck.Run($"batchnorm train n{n} c{c} {h}x{w}", [new(x, [n, c, h, w]), new(gamma, [c]), new(beta, [c])],
            t =>
            {
                var rm = Tensor.Zeros([c]);
                var rv = Tensor.Ones([c]);
                return Ops.BatchNorm2d(t[0], t[1], t[2], rm, rv, training: true);
            },
            d => Ref.BatchNormTrain(d[0], n, c, h * w, d[1], d[2], Eps, zeros, ones, 0.1, out _, out _),
            seed, fwdRtol: 1e-4, bwdRtol: 2e-3, bwdFloor: 0.05);
    }

    [Fact]
    public void TrainUpdatesRunningStatisticsLikePyTorch()
    {
        var r = new System.Random(5);
        int n = 3, c = 4, hw = 35;
        var x = Check.Uniform(r, n * c * hw, -1, 4);
        var rm0 = Check.Uniform(r, c);
        var rv0 = Check.Uniform(r, c, 0.5, 2);
        var gamma = Check.Uniform(r, c, 0.5, 1.5);
        var beta = Check.Uniform(r, c);
        using var scope = new TensorScope();
        var rm = Tensor.FromArray(rm0, [c]);
        var rv = Tensor.FromArray(rv0, [c]);
        Ops.BatchNorm2d(Tensor.FromArray(x, [n, c, 7, 5]), Tensor.FromArray(gamma, [c]), Tensor.FromArray(beta, [c]), rm, rv, true, 0.2f);
        Ref.BatchNormTrain(Check.D(x), n, c, hw, Check.D(gamma), Check.D(beta), Eps, Check.D(rm0), Check.D(rv0), 0.2, out var em, out var ev);
        Check.Close("running mean", em, rm.ToArray(), 1e-5);
        Check.Close("running var (unbiased)", ev, rv.ToArray(), 1e-5);
    }

    [Theory]
    [InlineData(3, 4, 7, 5, 1)]
    [InlineData(1, 2, 1, 1, 2)]
    public void EvalForwardBackward(int n, int c, int h, int w, int seed)
    {
        var r = new System.Random(seed);
        var x = Check.Uniform(r, n * c * h * w, -2, 2);
        var gamma = Check.Uniform(r, c, 0.5, 1.5);
        var beta = Check.Uniform(r, c);
        var rm = Check.Uniform(r, c);
        var rv = Check.Uniform(r, c, 0.3, 2);
        GradCheck.Run($"batchnorm eval n{n} c{c}", [new(x, [n, c, h, w]), new(gamma, [c]), new(beta, [c])],
            t => Ops.BatchNorm2d(t[0], t[1], t[2], Tensor.FromArray(rm, [c]), Tensor.FromArray(rv, [c]), training: false),
            d => Ref.BatchNormEval(d[0], n, c, h * w, d[1], d[2], Check.D(rm), Check.D(rv), Eps), seed);
    }

    [Fact]
    public void EvalLeavesRunningStatisticsAlone()
    {
        using var scope = new TensorScope();
        var rm = Tensor.FromArray([0.1f, 0.2f], [2]);
        var rv = Tensor.FromArray([1.5f, 0.5f], [2]);
        Ops.BatchNorm2d(Tensor.Ones([2, 2, 3, 3]), Tensor.Ones([2]), Tensor.Zeros([2]), rm, rv, training: false);
        Assert.Equal([0.1f, 0.2f], rm.ToArray());
        Assert.Equal([1.5f, 0.5f], rv.ToArray());
    }
}
