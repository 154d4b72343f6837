using FastRobust.Autograd;
using FastRobust.Tensors;
using Xunit;

namespace FastRobust.Tests.OpsTests.Support;

/// <summary>One input of an op under test: its values, shape, and whether its gradient is checked.</summary>
public sealed record In(float[] Data, int[] Shape, bool Grad = true);

/// <summary>
/// The llm.c / tinygrad habit for one op: run it in the engine (float32) and in the float64 reference, compare
/// the forward; then backpropagate a random output gradient g through the engine (Tape.Backward with gradRoot g,
/// i.e. ∂/∂input of L = Σ g ⊙ f(inputs)) and compare every input gradient with central finite differences of
/// L computed on the reference in double.
/// </summary>
public static class GradCheck
{
    public static void Run(string what, In[] inputs, Func<Tensor[], Tensor> engine, Func<double[][], double[]> reference,
        int seed, int[]? outShape = null, double fwdRtol = 1e-5, double fwdFloor = 0.1, double bwdRtol = 1e-3,
        double bwdFloor = 0.02, int maxFd = int.MaxValue, double h = 1e-6)
    {
        // decorrelated from the caller's input stream: an output gradient that is an affine function of the
        // input would make e.g. batch norm's input gradient vanish identically and the check meaningless
        var rng = new System.Random(unchecked(seed * 1_000_003 + 12_345));
        var xs = inputs.Select(i => Check.D(i.Data)).ToArray();
        var yRef = reference(xs);
        float[] yEng;
        float[] gOut = Check.Uniform(rng, yRef.Length);
        var grads = new float[]?[inputs.Length];
        using (new TensorScope())
        {
            var ts = inputs.Select(i =>
            {
                var t = Tensor.FromArray(i.Data, i.Shape);
                t.RequiresGrad = i.Grad;
                return t;
            }).ToArray();
            var y = engine(ts);
            if (outShape != null) Assert.Equal(outShape, y.Shape);
            yEng = y.ToArray();
            Check.Close($"{what} forward", yRef, yEng, fwdRtol, fwdFloor);
            if (inputs.Any(i => i.Grad))
            {
                var g = Tensor.FromArray(gOut, y.Shape);
                Tape.Backward(y, g);
                for (int i = 0; i < ts.Length; i++)
                {
                    if (inputs[i].Grad)
                    {
                        Assert.True(ts[i].Grad != null, $"{what}: input {i} received no gradient");
                        Assert.Equal(ts[i].Shape, ts[i].Grad!.Shape);
                        grads[i] = ts[i].Grad!.ToArray();
                    }
                    else Assert.True(ts[i].Grad is null, $"{what}: input {i} does not require grad but got one");
                }
            }
        }

        double Loss()
        {
            var y = reference(xs);
            double l = 0;
            for (int i = 0; i < y.Length; i++) l += gOut[i] * y[i];
            return l;
        }

        for (int i = 0; i < inputs.Length; i++)
        {
            if (!inputs[i].Grad) continue;
            var x = xs[i];
            var idx = Enumerable.Range(0, x.Length).ToArray();
            if (idx.Length > maxFd)
            {
                rng.Shuffle(idx);
                idx = idx[..maxFd];
            }
            var fd = new double[idx.Length];
            var an = new double[idx.Length];
            for (int j = 0; j < idx.Length; j++)
            {
                int at = idx[j];
                double keep = x[at];
                x[at] = keep + h;
                double lp = Loss();
                x[at] = keep - h;
                double lm = Loss();
                x[at] = keep;
                fd[j] = (lp - lm) / (2 * h);
                an[j] = grads[i]![at];
            }
            // a check against an identically vanishing gradient would prove nothing
            Assert.True(fd.Any(v => Math.Abs(v) > 1e-6), $"{what}: the reference gradient of input {i} is ~0; pick other data");
            Check.Close($"{what} d/d(input {i})", fd, an, bwdRtol, bwdFloor);
        }
    }
}
