using FastRobust.Autograd;
using FastRobust.Random;
using FastRobust.Tensors;
using FastRobust.Tests.OpsTests.Reference;
using FastRobust.Tests.OpsTests.Support;
using Xunit;

namespace FastRobust.Tests.OpsTests;

/// <summary>
/// Dropout against the reference given the mask that Philox defines: element i is kept when
/// Philox.Uniform(seed, stream, offset, i) ≥ p, where each call takes the next ⌈n/4⌉ counters of the stream.
/// </summary>
public class DropoutTests
{
    private static bool[] Mask(ulong seed, ulong stream, ulong offset, int n, float p) =>
        Enumerable.Range(0, n).Select(i => Philox.Uniform(seed, stream, offset, i) >= p).ToArray();

    [Fact]
    public void ForwardAndBackwardMatchTheReferenceWithThePhiloxMask()
    {
        const int n = 3 * 2 * 7 * 5;
        const float p = 0.3f;
        var x = Check.Uniform(new System.Random(1), n);
        var rng = new PhiloxStream(42, 7);
        // the first call takes counters [0, ⌈n/4⌉), the second starts right after
        var keep1 = Mask(42, 7, 0, n, p);
        GradCheck.Run("dropout call 1", [new(x, [3, 2, 7, 5])], t => Ops.Dropout(t[0], p, true, rng),
            d => Ref.Dropout(d[0], keep1, p), 1, fwdFloor: 1e-3, bwdFloor: 1e-3);
        var keep2 = Mask(42, 7, (n + 3) / 4, n, p);
        Assert.NotEqual(keep1, keep2);
        GradCheck.Run("dropout call 2", [new(x, [3, 2, 7, 5])], t => Ops.Dropout(t[0], p, true, rng),
            d => Ref.Dropout(d[0], keep2, p), 2, fwdFloor: 1e-3, bwdFloor: 1e-3);
    }

    [Fact]
    public void KeepsAboutOneMinusPOfTheValues()
    {
        const int n = 40_000;
        const float p = 0.25f;
        using var x = Tensor.Ones([n]);
        using var y = Ops.Dropout(x, p, true, new PhiloxStream(3, 0));
        var v = y.ToArray();
        int kept = v.Count(a => a != 0f);
        Assert.All(v, a => Assert.True(a == 0f || a == 1f / (1f - p)));
        // binomial(n, 0.75): standard error ≈ 87; allow five
        Assert.InRange(kept, n * (1 - p) - 435, n * (1 - p) + 435);
    }

    [Fact]
    public void EvalModeAndZeroProbabilityAreTheIdentity()
    {
        using var x = Tensor.FromArray([1f, -2f, 3f], [3]);
        Assert.Same(x, Ops.Dropout(x, 0.5f, false, new PhiloxStream(1, 1)));
        Assert.Same(x, Ops.Dropout(x, 0f, true, new PhiloxStream(1, 1)));
        Assert.Throws<ArgumentOutOfRangeException>(() => Ops.Dropout(x, 1f, true, new PhiloxStream(1, 1)));
    }
}
