using FastRobust.Autograd;
using FastRobust.Tensors;
using FastRobust.Tests.OpsTests.Reference;
using FastRobust.Tests.OpsTests.Support;
using Xunit;

namespace FastRobust.Tests.OpsTests;

/// <summary>Conv2d (single model) against the naive float64 convolution, forward and backward (x, w, bias).</summary>
public class ConvTests
{
    // odd maps, stride 2 with padding, kernel 5, pointwise (fast path at batch 1, grouped at batch 3), maps large
    // enough that images are split into several im2col groups (12×12: two images per group), a 1×1 output,
    // a layer big enough to run the parallel weight-gradient path (partial sums per chunk), and patches longer
    // than the GEMM's KC = 256 block (K = 12·5·5 = 300, 30·3·3 = 270), which im2col writes across packed blocks
    [Theory]
    [InlineData(3, 3, 7, 5, 4, 3, 2, 1, true, 1)]
    [InlineData(1, 3, 7, 5, 2, 5, 1, 2, true, 2)]
    [InlineData(1, 3, 7, 5, 4, 1, 1, 0, true, 3)]
    [InlineData(3, 2, 6, 6, 3, 1, 1, 0, false, 4)]
    [InlineData(3, 2, 12, 12, 3, 3, 1, 1, true, 5)]
    [InlineData(2, 3, 7, 5, 2, 3, 1, 0, true, 6)]
    [InlineData(1, 1, 5, 5, 1, 5, 1, 0, true, 7)]
    [InlineData(2, 2, 3, 3, 3, 5, 1, 1, true, 8)]
    [InlineData(3, 2, 7, 5, 2, 1, 2, 0, true, 9)]
    [InlineData(4, 8, 12, 12, 16, 3, 1, 1, true, 10, 12)]
    [InlineData(2, 12, 7, 5, 3, 5, 1, 2, true, 11, 40)]
    [InlineData(1, 30, 6, 6, 9, 3, 2, 1, false, 12, 40)]
    public void MatchesReference(int n, int c, int h, int w, int o, int k, int stride, int pad, bool bias, int seed, int maxFd = 80) =>
        CheckAgainstReference(n, c, h, w, o, k, stride, pad, bias, seed, maxFd, relu: false);

    /// <summary>Conv2d (or, with <paramref name="relu"/>, the fused Conv2dRelu) against the float64 reference and finite differences.</summary>
    internal static void CheckAgainstReference(int n, int c, int h, int w, int o, int k, int stride, int pad, bool bias, int seed, int maxFd, bool relu)
    {
        var r = new System.Random(seed);
        var x = Check.Uniform(r, n * c * h * w);
        var wt = Check.Uniform(r, o * c * k * k, -0.5, 0.5);
        var b = Check.Uniform(r, o);
        int oh = (h + 2 * pad - k) / stride + 1, ow = (w + 2 * pad - k) / stride + 1;
        var inputs = new List<In> { new(x, [n, c, h, w]), new(wt, [o, c, k, k]) };
        if (bias) inputs.Add(new(b, [o]));
        GradCheck.Run($"conv2d{(relu ? "+relu" : "")} n{n} c{c} {h}x{w} o{o} k{k} s{stride} p{pad}", inputs.ToArray(),
            t => relu ? Ops.Conv2dRelu(t[0], t[1], bias ? t[2] : null, stride, pad) : Ops.Conv2d(t[0], t[1], bias ? t[2] : null, stride, pad),
            d =>
            {
                var y = Ref.Conv2d(d[0], n, c, h, w, d[1], o, k, k, bias ? d[2] : null, stride, stride, pad, pad, out _, out _);
                return relu ? y.Select(v => Math.Max(0.0, v)).ToArray() : y;
            },
            seed, outShape: [n, o, oh, ow], maxFd: maxFd);
    }

    [Fact]
    public void AsymmetricStrideAndPadding()
    {
        var r = new System.Random(11);
        int n = 2, c = 2, h = 7, w = 5, o = 3, kh = 3;
        var x = Check.Uniform(r, n * c * h * w);
        var wt = Check.Uniform(r, o * c * kh * kh);
        var b = Check.Uniform(r, o);
        GradCheck.Run("conv2d stride (2,1) padding (0,1)", [new(x, [n, c, h, w]), new(wt, [o, c, kh, kh]), new(b, [o])],
            t => Ops.Conv2d(t[0], t[1], t[2], 2, 1, 0, 1),
            d => Ref.Conv2d(d[0], n, c, h, w, d[1], o, kh, kh, d[2], 2, 1, 0, 1, out _, out _),
            11, outShape: [n, o, 3, 5]);
    }

    [Fact]
    public void RejectsMismatchedChannels()
    {
        using var x = Tensor.Zeros([1, 3, 5, 5]);
        using var w = Tensor.Zeros([2, 4, 3, 3]);
        Assert.Throws<ArgumentException>(() => Ops.Conv2d(x, w, null));
    }
}
