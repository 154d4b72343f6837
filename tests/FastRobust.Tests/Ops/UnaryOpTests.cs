using FastRobust.Autograd;
using FastRobust.Tensors;
using FastRobust.Tests.OpsTests.Reference;
using FastRobust.Tests.OpsTests.Support;
using Xunit;

namespace FastRobust.Tests.OpsTests;

/// <summary>The elementwise unary ops against their double definitions, each on its own domain.</summary>
public class UnaryOpTests
{
    public static TheoryData<string> Names => new() { "neg", "abs", "exp", "log", "sqrt", "square", "tanh", "sigmoid" };

    private static (Func<Tensor, Tensor> op, Func<double, double> f, float[] x) Case(string name, System.Random r) => name switch
    {
        "neg" => (Ops.Neg, v => -v, Check.Uniform(r, 75, -3, 3)),
        "abs" => (Ops.Abs, Math.Abs, Check.AwayFromZero(r, 75, 1e-3, 3)),
        "exp" => (Ops.Exp, Math.Exp, Check.Uniform(r, 75, -4, 4)),
        "log" => (Ops.Log, Math.Log, Check.Uniform(r, 75, 0.05, 5)),
        "sqrt" => (Ops.Sqrt, Math.Sqrt, Check.Uniform(r, 75, 0.05, 5)),
        "square" => (Ops.Square, v => v * v, Check.Uniform(r, 75, -3, 3)),
        "tanh" => (Ops.Tanh, Math.Tanh, Check.Uniform(r, 75, -4, 4)),
        "sigmoid" => (Ops.Sigmoid, Ref.Sigmoid, Check.Uniform(r, 75, -8, 8)),
        _ => throw new ArgumentException(name),
    };

    [Theory]
    [MemberData(nameof(Names))]
    public void MatchesReference(string name)
    {
        var r = new System.Random(name.Sum(ch => ch));
        var (op, f, x) = Case(name, r);
        // [3, 25]: vector blocks of 8 plus a tail in every row of the flat buffer
        GradCheck.Run(name, [new(x, [3, 25])], t => op(t[0]), d => Ref.Map(d[0], f), 7, fwdFloor: 1e-3, bwdFloor: 1e-3);
    }

    [Fact]
    public void SignIsExactAndHasZeroGradient()
    {
        float[] x = [-2f, -1e-30f, 0f, 1e-30f, 3f];
        using var t = Tensor.FromArray(x, [5]);
        t.RequiresGrad = true;
        var y = Ops.Sign(t);
        Assert.Equal([-1f, -1f, 0f, 1f, 1f], y.ToArray());
        Tape.Backward(Ops.Sum(y));
        // no gradient flows through sign: the input gets none (or an all-zero one)
        Assert.True(t.Grad is null || t.Grad.ToArray().All(v => v == 0f));
    }

    [Fact]
    public void AbsGradientAtZeroIsZero()
    {
        using var t = Tensor.FromArray([0f, -2f, 2f], [3]);
        t.RequiresGrad = true;
        Tape.Backward(Ops.Sum(Ops.Abs(t)));
        Assert.Equal([0f, -1f, 1f], t.Grad!.ToArray());
    }
}
