using FastRobust.Autograd;
using FastRobust.Tensors;
using FastRobust.Tests.OpsTests.Reference;
using FastRobust.Tests.OpsTests.Support;
using Xunit;

namespace FastRobust.Tests.OpsTests;

/// <summary>Affine (a·x + b, AddScalar, MulScalar) and Clamp, forward and backward.</summary>
public class AffineClampTests
{
    [Theory]
    [InlineData(1.7f, -0.3f)]
    [InlineData(-0.5f, 2f)]
    [InlineData(1f, 0f)]
    public void Affine(float a, float b)
    {
        var x = Check.Uniform(new System.Random(1), 43, -2, 2);
        GradCheck.Run($"affine {a} {b}", [new(x, [43])], t => Ops.Affine(t[0], a, b), d => Ref.Map(d[0], v => a * v + b), 1,
            fwdFloor: 1e-3);
    }

    [Fact]
    public void AddAndMulScalar()
    {
        var x = Check.Uniform(new System.Random(2), 19, -2, 2);
        GradCheck.Run("add scalar", [new(x, [19])], t => Ops.AddScalar(t[0], 0.25f), d => Ref.Map(d[0], v => v + 0.25), 2, fwdFloor: 1e-3);
        GradCheck.Run("mul scalar", [new(x, [19])], t => Ops.MulScalar(t[0], -3f), d => Ref.Map(d[0], v => -3 * v), 3, fwdFloor: 1e-3);
    }

    [Fact]
    public void Clamp()
    {
        // values on both sides of both bounds, none within 1e-3 of a bound (the kinks)
        var x = Check.Uniform(new System.Random(3), 61, -1.5, 1.5);
        for (int i = 0; i < x.Length; i++)
            if (Math.Abs(x[i] + 0.5f) < 1e-3f || Math.Abs(x[i] - 0.7f) < 1e-3f) x[i] += 0.01f;
        GradCheck.Run("clamp", [new(x, [61])], t => Ops.Clamp(t[0], -0.5f, 0.7f), d => Ref.Map(d[0], v => Ref.Clamp(v, -0.5f, 0.7f)), 3,
            fwdRtol: 0);
    }

    [Fact]
    public void ClampPassesGradientOnTheBoundsLikePyTorch()
    {
        // torch.clamp's backward keeps the gradient where lo ≤ x ≤ hi (inclusive)
        using var t = Tensor.FromArray([-1f, -0.5f, 0f, 0.7f, 1f], [5]);
        t.RequiresGrad = true;
        Tape.Backward(Ops.Sum(Ops.Clamp(t, -0.5f, 0.7f)));
        Assert.Equal([0f, 1f, 1f, 1f, 0f], t.Grad!.ToArray());
    }
}
