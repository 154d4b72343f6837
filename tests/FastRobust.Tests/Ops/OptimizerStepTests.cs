using FastRobust.Tensors;
using FastRobust.Tests.OpsTests.Support;
using Xunit;

namespace FastRobust.Tests.OpsTests;

/// <summary>
/// The backend's fused optimizer updates against a double re-implementation of torch.optim's documented
/// algorithms (SGD, Adam/AdamW, RMSprop; non-centred, non-amsgrad), three steps with fresh gradients each step.
/// </summary>
public class OptimizerStepTests
{
    private const int N = 37;

    private static Backend B => Device.Cpu.Backend;

    /// <summary>Runs three steps of the engine (float) and the reference (double) on the same data; compares params and state.</summary>
    private static void ThreeSteps(int seed, Action<int, Tensor, Tensor, Tensor[]> engineStep, Action<int, double[], double[], double[][]> refStep,
        int states, string what)
    {
        var r = new System.Random(seed);
        var p0 = Check.Uniform(r, N);
        using var scope = new TensorScope();
        var p = Tensor.FromArray(p0, [N]);
        var st = Enumerable.Range(0, states).Select(_ => Tensor.Zeros([N])).ToArray();
        var pd = Check.D(p0);
        var sd = Enumerable.Range(0, states).Select(_ => new double[N]).ToArray();
        for (int step = 1; step <= 3; step++)
        {
            var g = Check.Uniform(r, N, -2, 2);
            engineStep(step, p, Tensor.FromArray(g, [N]), st);
            refStep(step, pd, Check.D(g), sd);
            Check.Close($"{what} step {step} param", pd, p.ToArray(), 1e-5, 0.01);
            for (int s = 0; s < states; s++) Check.Close($"{what} step {step} state {s}", sd[s], st[s].ToArray(), 1e-5, 0.01);
        }
        Assert.NotEqual(p0, p.ToArray());
    }

    [Theory]
    [InlineData(0f, 0f, 0f, false)]
    [InlineData(0.9f, 0f, 0f, false)]
    [InlineData(0.9f, 0.1f, 0.01f, false)]
    [InlineData(0.9f, 0f, 0.05f, true)]
    [InlineData(0f, 0f, 0.05f, false)]
    public void Sgd(float momentum, float dampening, float wd, bool nesterov)
    {
        const float lr = 0.1f;
        ThreeSteps(1,
            (step, p, g, st) => B.SgdStep(p.Buffer, g.Buffer, momentum != 0 ? st[0].Buffer : null, 0, N, lr, momentum, dampening, wd, nesterov, step == 1),
            (step, p, g, st) =>
            {
                for (int i = 0; i < N; i++)
                {
                    // torch.optim.SGD
                    double d = g[i] + wd * p[i];
                    if (momentum != 0)
                    {
                        st[0][i] = step == 1 ? d : momentum * st[0][i] + (1 - dampening) * d;
                        d = nesterov ? d + momentum * st[0][i] : st[0][i];
                    }
                    p[i] -= lr * d;
                }
            },
            momentum != 0 ? 1 : 0, $"sgd m={momentum} damp={dampening} wd={wd} nesterov={nesterov}");
    }

    [Theory]
    [InlineData(0f, false)]
    [InlineData(0.1f, false)]
    [InlineData(0.1f, true)]
    public void AdamAndAdamW(float wd, bool decoupled)
    {
        const float lr = 0.01f, b1 = 0.9f, b2 = 0.999f, eps = 1e-8f;
        ThreeSteps(2,
            (step, p, g, st) => B.AdamStep(p.Buffer, g.Buffer, st[0].Buffer, st[1].Buffer, 0, N, lr, b1, b2, eps, wd, decoupled, step),
            (step, p, g, st) =>
            {
                for (int i = 0; i < N; i++)
                {
                    // torch.optim.Adam (L2 penalty in the gradient) / AdamW (decoupled decay of the parameter)
                    double grad = g[i];
                    if (decoupled) p[i] *= 1 - lr * wd;
                    else grad += wd * p[i];
                    st[0][i] = b1 * st[0][i] + (1 - b1) * grad;
                    st[1][i] = b2 * st[1][i] + (1 - b2) * grad * grad;
                    double mHat = st[0][i] / (1 - Math.Pow(b1, step));
                    double vHat = st[1][i] / (1 - Math.Pow(b2, step));
                    p[i] -= lr * mHat / (Math.Sqrt(vHat) + eps);
                }
            },
            2, decoupled ? $"adamw wd={wd}" : $"adam wd={wd}");
    }

    [Theory]
    [InlineData(0f, 0f)]
    [InlineData(0.9f, 0f)]
    [InlineData(0.5f, 0.02f)]
    public void Rmsprop(float momentum, float wd)
    {
        const float lr = 0.01f, alpha = 0.99f, eps = 1e-8f;
        ThreeSteps(3,
            (step, p, g, st) => B.RmspropStep(p.Buffer, g.Buffer, st[0].Buffer, momentum > 0 ? st[1].Buffer : null, 0, N, lr, alpha, eps, wd, momentum),
            (step, p, g, st) =>
            {
                for (int i = 0; i < N; i++)
                {
                    // torch.optim.RMSprop (not centred)
                    double grad = g[i] + wd * p[i];
                    st[0][i] = alpha * st[0][i] + (1 - alpha) * grad * grad;
                    double avg = Math.Sqrt(st[0][i]) + eps;
                    if (momentum > 0)
                    {
                        st[1][i] = momentum * st[1][i] + grad / avg;
                        p[i] -= lr * st[1][i];
                    }
                    else p[i] -= lr * grad / avg;
                }
            },
            momentum > 0 ? 2 : 1, $"rmsprop m={momentum} wd={wd}");
    }
}
