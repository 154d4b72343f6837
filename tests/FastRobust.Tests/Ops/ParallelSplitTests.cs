using FastRobust.Autograd;
using FastRobust.Tensors;
using FastRobust.Tests.OpsTests.Reference;
using FastRobust.Tests.OpsTests.Support;
using Xunit;

namespace FastRobust.Tests.OpsTests;

/// <summary>
/// The small-shape tests run every kernel on one core; these arrays are big enough that the CPU backend splits
/// them across cores (chunks that start off a SIMD boundary), so the split itself is checked against the reference.
/// </summary>
public class ParallelSplitTests
{
    private const int Rows = 5, Cols = 40_003, N = Rows * Cols;

    private static readonly float[] X = Check.Uniform(new System.Random(1), N, -3, 3);
    private static readonly float[] Y = Check.AwayFromZero(new System.Random(2), N, 0.5, 2);

    [Fact]
    public void ElementwiseForwardAndBackward()
    {
        using var scope = new TensorScope();
        var x = Tensor.FromArray(X, [Rows, Cols]);
        var y = Tensor.FromArray(Y, [Rows, Cols]);
        var xd = Check.D(X);
        var yd = Check.D(Y);
        Check.Close("div", Ref.Zip(xd, yd, (a, b) => a / b), Ops.Div(x, y).ToArray(), 1e-6, 1e-3);
        Check.Close("maximum", Ref.Zip(xd, yd, Math.Max), Ops.Maximum(x, y).ToArray(), 0);
        Check.Close("relu", Ref.Map(xd, Ref.Relu), Ops.Relu(x).ToArray(), 0);
        Check.Close("exp", Ref.Map(xd, Math.Exp), Ops.Exp(x).ToArray(), 1e-6, 1e-3);
        Check.Close("affine", Ref.Map(xd, v => 0.5 * v - 1), Ops.Affine(x, 0.5f, -1f).ToArray(), 1e-6, 1e-3);
        Check.Close("clamp", Ref.Map(xd, v => Ref.Clamp(v, -1, 2)), Ops.Clamp(x, -1f, 2f).ToArray(), 0);

        // relu and tanh backward: dx = g·f'(x) with g = y
        x.RequiresGrad = true;
        Tape.Backward(Ops.Relu(x), y);
        Check.Close("relu backward", Ref.Zip(xd, yd, (a, g) => a > 0 ? g : 0), x.Grad!.ToArray(), 0);
        x.Grad = null;
        Tape.Backward(Ops.Tanh(x), y);
        Check.Close("tanh backward", Ref.Zip(xd, yd, (a, g) => g * (1 - Math.Tanh(a) * Math.Tanh(a))), x.Grad!.ToArray(), 1e-5, 1e-3);
    }

    [Fact]
    public void RowReductionsAndRowOps()
    {
        using var scope = new TensorScope();
        var x = Tensor.FromArray(X, [Rows, Cols]);
        var s = Tensor.FromArray([1.5f, -2f, 0.5f, 3f, -1f], [Rows]);
        var xd = Check.D(X);
        Check.Close("sum rows", Ref.Rows(xd, Rows, v => v.Sum()), Ops.SumRows(x).ToArray(), 1e-6, 1e-3);
        Check.Close("sum squares", Ref.Rows(xd, Rows, v => v.Sum(a => a * a)), Ops.ReduceRows(x, RowReduce.SumSquares).ToArray(), 1e-6);
        Check.Close("max abs", Ref.Rows(xd, Rows, v => v.Max(Math.Abs)), Ops.ReduceRows(x, RowReduce.MaxAbs).ToArray(), 0);
        Check.Close("row mul", Ref.RowOp(xd, [1.5, -2, 0.5, 3, -1], (a, b) => a * b), Ops.RowOp(x, s, BinaryOp.Mul).ToArray(), 1e-6, 1e-3);
    }

    [Fact]
    public void ChannelAffineOverManyPlanes()
    {
        using var scope = new TensorScope();
        // [E·N = 40, C = 3, 33 × 35]: many planes, inner size not a multiple of 8
        int outer = 40, c = 3, inner = 33 * 35;
        var x = Check.Uniform(new System.Random(3), outer * c * inner);
        double[] mean = [0.1, 0.5, -0.2], std = [0.3, 2, 0.7];
        var y = Ops.ChannelAffine(Tensor.FromArray(x, [outer, c, 33, 35]),
            Tensor.FromArray(std.Select(v => (float)(1 / v)).ToArray(), [c]),
            Tensor.FromArray(mean.Zip(std, (m, v) => (float)(-m / v)).ToArray(), [c]));
        Check.Close("channel affine", Ref.Normalize(Check.D(x), c, inner, mean, std), y.ToArray(), 1e-5, 1e-3);
    }
}
