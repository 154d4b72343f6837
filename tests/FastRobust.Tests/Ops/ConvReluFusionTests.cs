using FastRobust.Autograd;
using FastRobust.Nn;
using FastRobust.Tensors;
using Xunit;

namespace FastRobust.Tests.OpsTests;

/// <summary>
/// Conv2dRelu, the fused convolution + ReLU that Model.Forward uses for a conv2d layer followed by a relu layer:
/// against relu of the float64 reference convolution with finite differences; bit for bit against the two ops it
/// replaces; and the model really takes it.
/// </summary>
public class ConvReluFusionTests
{
    [Theory]
    [InlineData(2, 3, 7, 5, 4, 3, 1, 1, true, 31)]
    [InlineData(1, 2, 6, 6, 3, 3, 2, 0, false, 32)]
    public void MatchesReluOfTheReferenceConvolution(int n, int c, int h, int w, int o, int k, int stride, int pad, bool bias, int seed) =>
        ConvTests.CheckAgainstReference(n, c, h, w, o, k, stride, pad, bias, seed, maxFd: 80, relu: true);

    [Fact]
    public void SameBitsAsConvolutionThenRelu()
    {
        var r = new System.Random(7);
        float[] F(int count) => Enumerable.Range(0, count).Select(_ => (float)(r.NextDouble() * 2 - 1)).ToArray();
        var xs = F(2 * 3 * 9 * 9);
        var ws = F(5 * 3 * 3 * 3);
        var bs = F(5);
        var gs = F(2 * 5 * 9 * 9);
        (float[] Y, float[] Dx, float[] Dw, float[] Db) Run(bool fused)
        {
            using var scope = new TensorScope();
            var x = Tensor.FromArray(xs, [2, 3, 9, 9]);
            var w = Tensor.FromArray(ws, [5, 3, 3, 3]);
            var b = Tensor.FromArray(bs, [5]);
            x.RequiresGrad = w.RequiresGrad = b.RequiresGrad = true;
            var y = fused ? Ops.Conv2dRelu(x, w, b, 1, 1) : Ops.Relu(Ops.Conv2d(x, w, b, 1, 1));
            var g = Tensor.FromArray(gs, [2, 5, 9, 9]);
            Tape.Backward(Ops.Sum(Ops.Mul(y, g)));
            return (y.ToArray(), x.Grad!.ToArray(), w.Grad!.ToArray(), b.Grad!.ToArray());
        }
        var fusedRun = Run(true);
        var plain = Run(false);
        Assert.True(fusedRun.Y.Any(v => v == 0f) && fusedRun.Y.Any(v => v > 0f), "the ReLU must cut some values and pass others");
        Assert.Equal(plain.Y, fusedRun.Y);
        Assert.Equal(plain.Dx, fusedRun.Dx);
        Assert.Equal(plain.Dw, fusedRun.Dw);
        Assert.Equal(plain.Db, fusedRun.Db);
    }

    [Fact]
    public void TheModelFusesAConvolutionFollowedByARelu()
    {
        var spec = ModelSpec.Parse("""
            { "input": [1, 6, 6], "classes": 3,
              "layers": [
                {"type": "conv2d", "out": 4, "kernel": 3, "padding": 1},
                {"type": "relu"},
                {"type": "conv2d", "out": 4, "kernel": 3, "padding": 1},
                {"type": "flatten"},
                {"type": "linear", "out": 3}
              ] }
            """);
        using var model = Model.Create(spec, Device.Cpu, 3);
        model.SetRequiresGrad(true);
        using var scope = new TensorScope();
        var logits = model.Forward(Tensor.Uniform([2, 1, 6, 6], 0f, 1f, 5, 1, Device.Cpu));
        var names = new List<string>();
        var stack = new Stack<Tensor>([logits]);
        while (stack.Count > 0)
        {
            var t = stack.Pop();
            if (t.GradFn is null) continue;
            names.Add(t.GradFn.Name);
            foreach (var i in t.GradFn.Inputs) stack.Push(i);
        }
        Assert.Contains("conv2d+relu", names);
        Assert.DoesNotContain("relu", names);
        Assert.Single(names, n => n == "conv2d"); // the second convolution has no ReLU after it
    }
}
