using FastRobust.Autograd;
using FastRobust.Tensors;
using FastRobust.Tests.OpsTests.Reference;
using FastRobust.Tests.OpsTests.Support;
using Xunit;

namespace FastRobust.Tests.OpsTests;

/// <summary>ReLU and exact (erf) GELU against the float64 reference.</summary>
public class ActivationTests
{
    [Fact]
    public void Relu()
    {
        // 67 values: eight SIMD blocks and a scalar tail; kept 1e-3 away from the kink at 0
        var x = Check.AwayFromZero(new System.Random(1), 67, 1e-3, 3);
        GradCheck.Run("relu", [new(x, [67])], t => Ops.Relu(t[0]), d => Ref.Map(d[0], Ref.Relu), 1, fwdRtol: 0);
    }

    [Fact]
    public void Gelu()
    {
        // deep into both tails, where an approximate erf or the tanh form would show
        var x = Check.Uniform(new System.Random(2), 3 * 41, -7, 7);
        GradCheck.Run("gelu", [new(x, [3, 41])], t => Ops.Gelu(t[0]), d => Ref.Map(d[0], Ref.Gelu), 2, fwdFloor: 1e-4, bwdFloor: 1e-3);
    }

    [Fact]
    public void GeluLargeArrayIsSplitAcrossCoresCorrectly()
    {
        var x = Check.Uniform(new System.Random(3), 20_011, -4, 4);
        using var t = Tensor.FromArray(x, [20_011]);
        using var y = Ops.Gelu(t);
        Check.Close("gelu (parallel)", Ref.Map(Check.D(x), Ref.Gelu), y.ToArray(), 1e-5, 1e-4);
    }

    [Fact]
    public void GeluIsTheErfFormNotTheTanhApproximation()
    {
        // the two forms differ by 4.4e-4 at x = 2.5 and by 4.1e-4 (10 % relative) at x = −3
        using var t = Tensor.FromArray([2.5f, -3f], [2]);
        var y = Ops.Gelu(t).ToArray();
        Assert.InRange(Math.Abs(y[0] - 2.4844758366855597), 0, 1e-6);
        Assert.InRange(Math.Abs(y[1] - -0.004049694094890287), 0, 1e-8);
    }
}
