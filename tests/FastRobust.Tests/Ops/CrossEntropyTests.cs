using FastRobust.Autograd;
using FastRobust.Tensors;
using FastRobust.Tests.OpsTests.Reference;
using FastRobust.Tests.OpsTests.Support;
using Xunit;

namespace FastRobust.Tests.OpsTests;

/// <summary>Softmax cross-entropy (PyTorch's label smoothing) with every reduction, single model and ensemble.</summary>
public class CrossEntropyTests
{
    public static TheoryData<Reduction, float, int> Cases()
    {
        var d = new TheoryData<Reduction, float, int>();
        foreach (var red in new[] { Reduction.Mean, Reduction.Sum, Reduction.None })
        foreach (float s in new[] { 0f, 0.1f })
        foreach (int e in new[] { 0, 3 })
            d.Add(red, s, e);
        return d;
    }

    /// <param name="e">0: logits [N, K]; otherwise [E, N, K] with labels shared by the members.</param>
    [Theory]
    [MemberData(nameof(Cases))]
    public void MatchesReference(Reduction red, float smoothing, int e)
    {
        var r = new System.Random((int)red * 10 + (int)(smoothing * 10) + e);
        int n = 5, k = 7, rows = Math.Max(e, 1) * n;
        // logits large enough that an unstabilised softmax would be inaccurate
        var logits = Check.Uniform(r, rows * k, -6, 6);
        logits[3] = 40f;
        var labels = Enumerable.Range(0, n).Select(_ => r.Next(k)).ToArray();
        int[] shape = e == 0 ? [n, k] : [e, n, k];
        var rr = red switch { Reduction.Mean => Ref.Red.Mean, Reduction.Sum => Ref.Red.Sum, _ => Ref.Red.None };
        GradCheck.Run($"cross-entropy {red} s{smoothing} e{e}", [new(logits, shape)],
            t => Ops.CrossEntropy(t[0], IntTensor.FromArray(labels), red, smoothing),
            d => Ref.CrossEntropy(d[0], rows, k, labels, smoothing, rr), 3,
            outShape: red == Reduction.None ? [rows] : [1], fwdFloor: 1e-3);
    }

    [Fact]
    public void SoftmaxMatchesReference()
    {
        var x = Check.Uniform(new System.Random(4), 6 * 11, -5, 5);
        x[0] = 60f;
        using var t = Tensor.FromArray(x, [6, 11]);
        using var y = Ops.Softmax(t);
        Check.Close("softmax", Ref.Softmax(Check.D(x), 6, 11), y.ToArray(), 1e-5, 1e-3);
    }

    [Fact]
    public void LabelCountMustMatch()
    {
        using var t = Tensor.Zeros([4, 3]);
        using var labels = IntTensor.FromArray([0, 1, 2]);
        Assert.Throws<ArgumentException>(() => Ops.CrossEntropy(t, labels));
    }
}
