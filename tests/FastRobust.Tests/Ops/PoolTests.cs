using FastRobust.Autograd;
using FastRobust.Tensors;
using FastRobust.Tests.OpsTests.Reference;
using FastRobust.Tests.OpsTests.Support;
using Xunit;

namespace FastRobust.Tests.OpsTests;

/// <summary>Max, average and global average pooling against the float64 reference, forward and backward.</summary>
public class PoolTests
{
    /// <summary>A pooling case: random input, plane size and count, stride (0: none given, the kernel size) and output shape.</summary>
    private static (float[] X, int H, int W, int Planes, int? Stride, int StrideValue, int[] OutShape) Case(int[] shape, int k, int stride, int pad, int seed)
    {
        var x = Check.Uniform(new System.Random(seed), (int)Tensor.Numel(shape), -2, 2);
        int h = shape[^2], w = shape[^1];
        int? s = stride == 0 ? null : stride;
        int sv = s ?? k;
        var outShape = (int[])shape.Clone();
        outShape[^2] = (h + 2 * pad - k) / sv + 1;
        outShape[^1] = (w + 2 * pad - k) / sv + 1;
        return (x, h, w, x.Length / (h * w), s, sv, outShape);
    }

    // default stride (= kernel) with a ragged edge on 7×5, stride 2 with padding, overlapping windows (stride 1),
    // batch 1 and 3, and an ensemble-shaped [E, N, C, H, W] input
    [Theory]
    [InlineData(new[] { 3, 3, 7, 5 }, 2, 0, 0, 1)]
    [InlineData(new[] { 1, 3, 7, 5 }, 3, 2, 1, 2)]
    [InlineData(new[] { 3, 2, 6, 6 }, 3, 1, 1, 3)]
    [InlineData(new[] { 2, 3, 2, 7, 5 }, 3, 2, 1, 4)]
    [InlineData(new[] { 2, 2, 5, 5 }, 5, 1, 2, 5)]
    public void MaxPool(int[] shape, int k, int stride, int pad, int seed)
    {
        var (x, h, w, planes, s, sv, outShape) = Case(shape, k, stride, pad, seed);
        GradCheck.Run($"maxpool k{k} s{sv} p{pad}", [new(x, shape)], t => Ops.MaxPool2d(t[0], k, s, pad),
            d => Ref.MaxPool2d(d[0], planes, h, w, k, sv, pad, out _, out _), seed, outShape: outShape, fwdRtol: 0);
    }

    [Fact]
    public void MaxPoolTieGoesToTheFirstElement()
    {
        // one gradient per window, to the first maximum in row-major order (PyTorch)
        using var x = Tensor.FromArray([1f, 1f, 1f, 1f], [1, 1, 2, 2]);
        x.RequiresGrad = true;
        Tape.Backward(Ops.Sum(Ops.MaxPool2d(x, 2)));
        Assert.Equal([1f, 0f, 0f, 0f], x.Grad!.ToArray());
    }

    [Theory]
    [InlineData(new[] { 3, 3, 7, 5 }, 2, 0, 0, 1)]
    [InlineData(new[] { 1, 3, 7, 5 }, 3, 2, 1, 2)]
    [InlineData(new[] { 3, 2, 6, 6 }, 3, 1, 1, 3)]
    [InlineData(new[] { 2, 3, 2, 7, 5 }, 2, 1, 1, 4)]
    public void AvgPool(int[] shape, int k, int stride, int pad, int seed)
    {
        var (x, h, w, planes, s, sv, outShape) = Case(shape, k, stride, pad, seed);
        GradCheck.Run($"avgpool k{k} s{sv} p{pad}", [new(x, shape)], t => Ops.AvgPool2d(t[0], k, s, pad),
            d => Ref.AvgPool2d(d[0], planes, h, w, k, k, sv, pad, out _, out _), seed, outShape: outShape);
    }

    [Theory]
    [InlineData(new[] { 3, 4, 7, 5 }, 1)]
    [InlineData(new[] { 1, 2, 1, 1 }, 2)]
    [InlineData(new[] { 2, 2, 3, 6, 6 }, 3)]
    public void GlobalAvgPool(int[] shape, int seed)
    {
        var x = Check.Uniform(new System.Random(seed), (int)Tensor.Numel(shape), -2, 2);
        int hw = shape[^2] * shape[^1];
        var outShape = (int[])shape.Clone();
        outShape[^2] = outShape[^1] = 1;
        GradCheck.Run("global avgpool", [new(x, shape)], t => Ops.GlobalAvgPool(t[0]),
            d => Ref.GlobalAvgPool(d[0], x.Length / hw, hw), seed, outShape: outShape);
    }
}
