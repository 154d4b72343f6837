using FastRobust.Tensors;

namespace FastRobust.Backends.Cpu;

/// <summary>The optimizer updates, fused per parameter tensor, following torch.optim's formulas line by line.</summary>
public sealed unsafe partial class CpuBackend
{
    public override void SgdStep(FloatBuffer p, FloatBuffer g, FloatBuffer? momentumBuf, long offset, long n, float lr, float momentum,
        float dampening, float weightDecay, bool nesterov, bool firstStep)
    {
        float* pp = P(p) + offset, pg = P(g) + offset, pbuf = momentumBuf is null ? null : P(momentumBuf) + offset;
        CpuParallel.ForRange(n, (s, e) =>
        {
            for (long i = s; i < e; i++)
            {
                float d = pg[i] + weightDecay * pp[i];
                if (momentum != 0f)
                {
                    float buf = firstStep ? d : momentum * pbuf[i] + (1f - dampening) * d;
                    pbuf[i] = buf;
                    d = nesterov ? d + momentum * buf : buf;
                }
                pp[i] -= lr * d;
            }
        });
    }

    public override void AdamStep(FloatBuffer p, FloatBuffer g, FloatBuffer m, FloatBuffer v, long offset, long n, float lr, float beta1,
        float beta2, float eps, float weightDecay, bool decoupled, int step)
    {
        float* pp = P(p) + offset, pg = P(g) + offset, pm = P(m) + offset, pv = P(v) + offset;
        float bc1 = 1f - MathF.Pow(beta1, step), bc2 = 1f - MathF.Pow(beta2, step);
        float stepSize = lr / bc1, bc2Sqrt = MathF.Sqrt(bc2);
        CpuParallel.ForRange(n, (s, e) =>
        {
            for (long i = s; i < e; i++)
            {
                float grad = pg[i];
                if (decoupled) pp[i] *= 1f - lr * weightDecay;
                else grad += weightDecay * pp[i];
                float mi = pm[i] = beta1 * pm[i] + (1f - beta1) * grad;
                float vi = pv[i] = beta2 * pv[i] + (1f - beta2) * grad * grad;
                pp[i] -= stepSize * mi / (MathF.Sqrt(vi) / bc2Sqrt + eps);
            }
        });
    }

    public override void RmspropStep(FloatBuffer p, FloatBuffer g, FloatBuffer sq, FloatBuffer? momentumBuf, long offset, long n, float lr,
        float alpha, float eps, float weightDecay, float momentum)
    {
        float* pp = P(p) + offset, pg = P(g) + offset, ps = P(sq) + offset, pbuf = momentumBuf is null ? null : P(momentumBuf) + offset;
        CpuParallel.ForRange(n, (s, e) =>
        {
            for (long i = s; i < e; i++)
            {
                float grad = pg[i] + weightDecay * pp[i];
                float si = ps[i] = alpha * ps[i] + (1f - alpha) * grad * grad;
                float avg = MathF.Sqrt(si) + eps;
                if (momentum > 0f)
                {
                    float buf = pbuf[i] = momentum * pbuf[i] + grad / avg;
                    pp[i] -= lr * buf;
                }
                else pp[i] -= lr * grad / avg;
            }
        });
    }
}
