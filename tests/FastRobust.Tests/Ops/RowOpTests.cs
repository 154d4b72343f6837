using FastRobust.Autograd;
using FastRobust.Tensors;
using FastRobust.Tests.OpsTests.Reference;
using FastRobust.Tests.OpsTests.Support;
using Xunit;

namespace FastRobust.Tests.OpsTests;

/// <summary>RowOp: x[r, ...] op s[r] with a per-sample scalar, and the gradient of both.</summary>
public class RowOpTests
{
    [Theory]
    [InlineData(BinaryOp.Add)]
    [InlineData(BinaryOp.Sub)]
    [InlineData(BinaryOp.Mul)]
    [InlineData(BinaryOp.Div)]
    public void MatchesReference(BinaryOp op)
    {
        var r = new System.Random((int)op + 1);
        var x = Check.Uniform(r, 3 * 2 * 7 * 5);
        var s = Check.AwayFromZero(r, 3, 0.3, 2);
        Func<double, double, double> f = op switch
        {
            BinaryOp.Add => (a, b) => a + b,
            BinaryOp.Sub => (a, b) => a - b,
            BinaryOp.Mul => (a, b) => a * b,
            _ => (a, b) => a / b,
        };
        GradCheck.Run($"row op {op}", [new(x, [3, 2, 7, 5]), new(s, [3])], t => Ops.RowOp(t[0], t[1], op),
            d => Ref.RowOp(d[0], d[1], f), 4, outShape: [3, 2, 7, 5], fwdFloor: 1e-3);
    }

    [Theory]
    [InlineData(BinaryOp.Max)]
    [InlineData(BinaryOp.Min)]
    public void MaxMinForwardAndRefuseGradients(BinaryOp op)
    {
        var r = new System.Random(5);
        var x = Check.Uniform(r, 4 * 9);
        var s = Check.Uniform(r, 4);
        using var scope = new TensorScope();
        var xt = Tensor.FromArray(x, [4, 9]);
        var st = Tensor.FromArray(s, [4]);
        Check.Close($"row {op}", Ref.RowOp(Check.D(x), Check.D(s), op == BinaryOp.Max ? Math.Max : Math.Min),
            Ops.RowOp(xt, st, op).ToArray(), 0);
        xt.RequiresGrad = true;
        Assert.Throws<NotSupportedException>(() => Ops.RowOp(xt, st, op));
    }
}
