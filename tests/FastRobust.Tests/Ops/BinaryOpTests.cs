using FastRobust.Autograd;
using FastRobust.Tensors;
using FastRobust.Tests.OpsTests.Reference;
using FastRobust.Tests.OpsTests.Support;
using Xunit;

namespace FastRobust.Tests.OpsTests;

/// <summary>Add, Sub, Mul, Div, Maximum, Minimum: forward and the gradient of both operands.</summary>
public class BinaryOpTests
{
    public static TheoryData<string> Names => new() { "add", "sub", "mul", "div", "maximum", "minimum" };

    [Theory]
    [MemberData(nameof(Names))]
    public void MatchesReference(string name)
    {
        var r = new System.Random(name.Length * 31 + name[0]);
        int[] shape = [3, 2, 5, 7];
        var a = Check.Uniform(r, 210, -2, 2);
        // divisors kept away from the pole at 0
        var b = name == "div" ? Check.AwayFromZero(r, 210, 0.3, 2) : Check.Uniform(r, 210, -2, 2);
        (Func<Tensor, Tensor, Tensor> op, Func<double, double, double> f) = name switch
        {
            "add" => ((Func<Tensor, Tensor, Tensor>)Ops.Add, (Func<double, double, double>)((u, v) => u + v)),
            "sub" => (Ops.Sub, (u, v) => u - v),
            "mul" => (Ops.Mul, (u, v) => u * v),
            "div" => (Ops.Div, (u, v) => u / v),
            "maximum" => (Ops.Maximum, Math.Max),
            _ => (Ops.Minimum, Math.Min),
        };
        GradCheck.Run(name, [new(a, shape), new(b, shape)], t => op(t[0], t[1]), d => Ref.Zip(d[0], d[1], f), 5, outShape: shape,
            fwdFloor: 1e-3, bwdFloor: 1e-3);
    }

    [Fact]
    public void MaximumAndMinimumSendTiesToTheFirstOperand()
    {
        // the documented tie rule (PyTorch would split a tie half and half)
        foreach (bool max in new[] { true, false })
        {
            using var a = Tensor.FromArray([1f, 2f, 3f], [3]);
            using var b = Tensor.FromArray([1f, 5f, 0f], [3]);
            a.RequiresGrad = b.RequiresGrad = true;
            Tape.Backward(Ops.Sum(max ? Ops.Maximum(a, b) : Ops.Minimum(a, b)));
            Assert.Equal(max ? [1f, 0f, 1f] : [1f, 1f, 0f], a.Grad!.ToArray());
            Assert.Equal(max ? [0f, 1f, 0f] : [0f, 0f, 1f], b.Grad!.ToArray());
        }
    }

    [Fact]
    public void ShapeMismatchThrows()
    {
        using var a = Tensor.Zeros([2, 3]);
        using var b = Tensor.Zeros([3, 2]);
        Assert.Throws<ArgumentException>(() => Ops.Add(a, b));
    }

    [Fact]
    public void OnlyTheOperandThatRequiresGradGetsOne()
    {
        var r = new System.Random(9);
        var a = Check.Uniform(r, 10);
        var b = Check.AwayFromZero(r, 10, 0.5, 2);
        GradCheck.Run("div wrt a only", [new(a, [10]), new(b, [10], Grad: false)], t => Ops.Div(t[0], t[1]),
            d => Ref.Zip(d[0], d[1], (u, v) => u / v), 9, fwdFloor: 1e-3);
        GradCheck.Run("mul wrt b only", [new(a, [10], Grad: false), new(b, [10])], t => Ops.Mul(t[0], t[1]),
            d => Ref.Zip(d[0], d[1], (u, v) => u * v), 9, fwdFloor: 1e-3);
    }
}
