using ILGPU;

namespace FastRobust.Kernels;

/// <summary>The optimizer updates of CpuBackend.Optim (torch.optim's formulas), grid-stride over the parameter elements.</summary>
public static class Optim
{
    [Kernel]
    public static void Sgd(ArrayView<float> p, ArrayView<float> g, ArrayView<float> buf, int n, float lr, float momentum,
        float dampening, float weightDecay, int nesterov, int firstStep)
    {
        for (int i = Stride.Start; i < n; i += Stride.Step) SgdOne(p, g, buf, i, lr, momentum, dampening, weightDecay, nesterov, firstStep);
    }

    private static void SgdOne(ArrayView<float> p, ArrayView<float> g, ArrayView<float> buf, int i, float lr, float momentum,
        float dampening, float weightDecay, int nesterov, int firstStep)
    {
        float d = g[i] + weightDecay * p[i];
        if (momentum != 0f)
        {
            float b = firstStep != 0 ? d : momentum * buf[i] + (1f - dampening) * d;
            buf[i] = b;
            d = nesterov != 0 ? d + momentum * b : b;
        }
        p[i] -= lr * d;
    }

    /// <summary>stepSize = lr / (1 − β1^t) and bc2Sqrt = √(1 − β2^t) come from the host, as on the CPU.</summary>
    [Kernel]
    public static void Adam(ArrayView<float> p, ArrayView<float> g, ArrayView<float> m, ArrayView<float> v, int n, float lr,
        float beta1, float beta2, float eps, float weightDecay, int decoupled, float stepSize, float bc2Sqrt)
    {
        for (int i = Stride.Start; i < n; i += Stride.Step) AdamOne(p, g, m, v, i, lr, beta1, beta2, eps, weightDecay, decoupled, stepSize, bc2Sqrt);
    }

    private static void AdamOne(ArrayView<float> p, ArrayView<float> g, ArrayView<float> m, ArrayView<float> v, int i, float lr,
        float beta1, float beta2, float eps, float weightDecay, int decoupled, float stepSize, float bc2Sqrt)
    {
        float grad = g[i];
        float pi = p[i];
        if (decoupled != 0) pi *= 1f - lr * weightDecay;
        else grad += weightDecay * pi;
        float mi = beta1 * m[i] + (1f - beta1) * grad;
        float vi = beta2 * v[i] + (1f - beta2) * grad * grad;
        m[i] = mi;
        v[i] = vi;
        p[i] = pi - stepSize * mi / (MathF.Sqrt(vi) / bc2Sqrt + eps);
    }

    [Kernel]
    public static void Rmsprop(ArrayView<float> p, ArrayView<float> g, ArrayView<float> sq, ArrayView<float> buf, int n, float lr,
        float alpha, float eps, float weightDecay, float momentum)
    {
        for (int i = Stride.Start; i < n; i += Stride.Step) RmspropOne(p, g, sq, buf, i, lr, alpha, eps, weightDecay, momentum);
    }

    private static void RmspropOne(ArrayView<float> p, ArrayView<float> g, ArrayView<float> sq, ArrayView<float> buf, int i, float lr,
        float alpha, float eps, float weightDecay, float momentum)
    {
        float pi = p[i];
        float grad = g[i] + weightDecay * pi;
        float si = alpha * sq[i] + (1f - alpha) * grad * grad;
        sq[i] = si;
        float avg = MathF.Sqrt(si) + eps;
        if (momentum > 0f)
        {
            float b = momentum * buf[i] + grad / avg;
            buf[i] = b;
            p[i] = pi - lr * b;
        }
        else p[i] = pi - lr * grad / avg;
    }
}
