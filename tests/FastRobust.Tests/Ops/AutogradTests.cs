using FastRobust.Autograd;
using FastRobust.Tensors;
using Xunit;

namespace FastRobust.Tests.OpsTests;

/// <summary>What the tape promises beyond each op's derivative: accumulation, sharing, opting out, lifetimes.</summary>
public class AutogradTests
{
    [Fact]
    public void GradientsAccumulateAcrossBackwardCalls()
    {
        using var scope = new TensorScope();
        var x = Tensor.FromArray([1f, -2f, 3f], [3]);
        x.RequiresGrad = true;
        Tape.Backward(Ops.Sum(Ops.Square(x)));
        Tape.Backward(Ops.Sum(Ops.Square(x)));
        Assert.Equal([4f, -8f, 12f], x.Grad!.ToArray());
    }

    [Fact]
    public void AccumulationNeverWritesThroughASharedGradient()
    {
        // Add hands the same gradient storage to both leaves; the second backward must not add x's
        // contribution into z's gradient through that shared storage
        using var scope = new TensorScope();
        var x = Tensor.FromArray([1f, 2f], [2]);
        var z = Tensor.FromArray([3f, 4f], [2]);
        x.RequiresGrad = z.RequiresGrad = true;
        Tape.Backward(Ops.Sum(Ops.Add(x, z)));
        Tape.Backward(Ops.Sum(Ops.Mul(x, z)));
        Assert.Equal([1f + 3f, 1f + 4f], x.Grad!.ToArray());
        Assert.Equal([1f + 1f, 1f + 2f], z.Grad!.ToArray());
    }

    [Fact]
    public void AnInputUsedTwiceGetsTheSum()
    {
        using var scope = new TensorScope();
        var x = Tensor.FromArray([1f, -2f, 3f], [3]);
        x.RequiresGrad = true;
        // x·x + x: 2x + 1, through two different ops and one op that uses x for both operands
        Tape.Backward(Ops.Sum(Ops.Add(Ops.Mul(x, x), x)));
        Assert.Equal([3f, -3f, 7f], x.Grad!.ToArray());
        x.Grad = null;
        Tape.Backward(Ops.Sum(Ops.Add(x, x)));
        Assert.Equal([2f, 2f, 2f], x.Grad!.ToArray());
    }

    [Fact]
    public void FrozenParametersGetNoGradient()
    {
        // an attack: only the input requires grad; conv, batch norm and linear weights must stay without .Grad
        using var scope = new TensorScope();
        var r = new System.Random(1);
        float[] Rand(int n) => Enumerable.Range(0, n).Select(_ => (float)r.NextDouble() - 0.5f).ToArray();
        var x = Tensor.FromArray(Rand(2 * 3 * 5 * 5), [2, 3, 5, 5]);
        x.RequiresGrad = true;
        var w = Tensor.FromArray(Rand(4 * 3 * 3 * 3), [4, 3, 3, 3]);
        var b = Tensor.FromArray(Rand(4), [4]);
        var gamma = Tensor.Ones([4]);
        var beta = Tensor.Zeros([4]);
        var lw = Tensor.FromArray(Rand(10 * 16), [10, 16]);
        var lb = Tensor.FromArray(Rand(10), [10]);
        var h = Ops.Relu(Ops.BatchNorm2d(Ops.Conv2d(x, w, b, 1, 0), gamma, beta, Tensor.Zeros([4]), Tensor.Ones([4]), training: false));
        var logits = Ops.Linear(Ops.Flatten(Ops.MaxPool2d(h, 2, 1), 1), lw, lb);
        Tape.Backward(Ops.CrossEntropy(logits, IntTensor.FromArray([3, 7])));
        Assert.NotNull(x.Grad);
        Assert.Contains(x.Grad!.ToArray(), v => v != 0f);
        foreach (var p in new[] { w, b, gamma, beta, lw, lb }) Assert.Null(p.Grad);
    }

    [Fact]
    public void NoGradRecordsNothing()
    {
        using var scope = new TensorScope();
        var x = Tensor.FromArray([1f, 2f], [2]);
        x.RequiresGrad = true;
        Tensor y;
        using (GradMode.NoGrad())
        {
            Assert.False(GradMode.Enabled);
            y = Ops.Sum(Ops.Exp(x));
        }
        Assert.True(GradMode.Enabled);
        Assert.False(y.NeedsGrad);
        Assert.Throws<InvalidOperationException>(() => Tape.Backward(y));
        Assert.Null(x.Grad);
    }

    [Fact]
    public void DetachCutsTheTape()
    {
        using var scope = new TensorScope();
        var x = Tensor.FromArray([1f, 2f], [2]);
        x.RequiresGrad = true;
        var y = Ops.Square(x);
        // d/dx of y.detach()·x is y, not y + 2x²
        Tape.Backward(Ops.Sum(Ops.Mul(y.Detach(), x)));
        Assert.Equal([1f, 4f], x.Grad!.ToArray());
    }

    [Fact]
    public void NonScalarRootNeedsAGradient()
    {
        using var scope = new TensorScope();
        var x = Tensor.FromArray([1f, 2f], [2]);
        x.RequiresGrad = true;
        Assert.Throws<InvalidOperationException>(() => Tape.Backward(Ops.Square(x)));
    }

    [Fact]
    public void BackwardFreesTheGraph()
    {
        using var scope = new TensorScope();
        var x = Tensor.FromArray([1f, 2f], [2]);
        x.RequiresGrad = true;
        var y = Ops.Sum(Ops.Exp(x));
        Tape.Backward(y);
        // the recorded ops are gone: a second backward through the same graph has nothing to run
        Assert.False(y.NeedsGrad);
    }

    [Fact]
    public void ScopeDisposesIntermediatesAndKeepAliveSurvives()
    {
        Tensor a, b, kept, moved;
        using (new TensorScope())
        {
            using (new TensorScope())
            {
                a = Tensor.Ones([4]);
                b = Ops.Exp(a);
                kept = Ops.Sum(b).KeepAlive();
                moved = Ops.Square(b).MoveToOuterScope();
            }
            Assert.True(a.IsDisposed);
            Assert.True(b.IsDisposed);
            Assert.False(kept.IsDisposed);
            Assert.False(moved.IsDisposed);
            Assert.Equal(4 * MathF.E, kept.Item(), 4);
            Assert.Equal(MathF.E * MathF.E, moved.ToArray()[0], 4);
        }
        Assert.True(moved.IsDisposed);
        Assert.False(kept.IsDisposed);
        kept.Dispose();
        Assert.True(kept.IsDisposed);
    }

    [Fact]
    public void BackwardInsideAScopeLeavesLeafGradientsUsable()
    {
        // gradients are handed to the leaves, not to the scope: they outlive the step that computed them
        var x = Tensor.FromArray([1f, 2f, 3f], [3]);
        x.RequiresGrad = true;
        using (new TensorScope()) Tape.Backward(Ops.Sum(Ops.Mul(Ops.Relu(x), x)));
        Assert.False(x.Grad!.IsDisposed);
        Assert.Equal([2f, 4f, 6f], x.Grad.ToArray());
        x.Dispose();
    }
}
