using FastRobust.Autograd;
using FastRobust.Tensors;
using FastRobust.Tests.OpsTests.Support;
using Xunit;

namespace FastRobust.Tests.OpsTests;

/// <summary>Flatten and Reshape: same values in row-major order, gradient reshaped back.</summary>
public class ShapeTests
{
    [Fact]
    public void FlattenKeepsRowMajorOrderAndPassesTheGradientBack()
    {
        var x = Check.Uniform(new System.Random(1), 3 * 2 * 7 * 5);
        GradCheck.Run("flatten(1)", [new(x, [3, 2, 7, 5])], t => Ops.Flatten(t[0], 1), d => d[0], 1, outShape: [3, 70], fwdRtol: 0);
        GradCheck.Run("flatten(2) of an ensemble", [new(x, [3, 2, 7, 5])], t => Ops.Flatten(t[0], 2), d => d[0], 2, outShape: [3, 2, 35],
            fwdRtol: 0);
    }

    [Fact]
    public void ReshapeInfersMinusOneAndChainsThroughOtherOps()
    {
        var x = Check.Uniform(new System.Random(2), 24);
        GradCheck.Run("reshape -1 then square", [new(x, [2, 3, 4])], t => Ops.Square(t[0].Reshape(-1, 6)),
            d => d[0].Select(v => v * v).ToArray(), 2, outShape: [4, 6], fwdFloor: 1e-3);
    }

    [Fact]
    public void ReshapeIsAViewThatOutlivesItsSource()
    {
        var x = Tensor.FromArray([1f, 2f, 3f, 4f, 5f, 6f], [2, 3]);
        var y = x.Reshape(3, 2);
        Assert.Same(x.Buffer, y.Buffer);
        x.Dispose();
        // the storage is reference counted: the view still reads it
        Assert.Equal([1f, 2f, 3f, 4f, 5f, 6f], y.ToArray());
        y.Dispose();
    }

    [Fact]
    public void BadShapesThrow()
    {
        using var x = Tensor.Zeros([2, 3]);
        Assert.Throws<ArgumentException>(() => x.Reshape(4, 2));
        Assert.Throws<ArgumentException>(() => x.Reshape(-1, 4));
    }
}
