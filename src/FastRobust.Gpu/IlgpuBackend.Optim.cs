using FastRobust.Tensors;

namespace FastRobust.Gpu;

public sealed partial class IlgpuBackend
{
    public override void SgdStep(FloatBuffer p, FloatBuffer g, FloatBuffer? momentumBuf, long offset, long n, float lr, float momentum,
        float dampening, float weightDecay, bool nesterov, bool firstStep)
    {
        if (n > 0)
            K.Sgd(Elements(n), V(p, offset, n), V(g, offset, n), momentumBuf is null ? VOrDummy(null) : V(momentumBuf, offset, n), N(n), lr, momentum, dampening, weightDecay, nesterov ? 1 : 0, firstStep ? 1 : 0);
    }

    public override void AdamStep(FloatBuffer p, FloatBuffer g, FloatBuffer m, FloatBuffer v, long offset, long n, float lr, float beta1,
        float beta2, float eps, float weightDecay, bool decoupled, int step)
    {
        // the bias corrections are computed on the host exactly as the CPU backend does
        float bc1 = 1f - MathF.Pow(beta1, step), bc2 = 1f - MathF.Pow(beta2, step);
        float stepSize = lr / bc1, bc2Sqrt = MathF.Sqrt(bc2);
        if (n > 0)
            K.Adam(Elements(n), V(p, offset, n), V(g, offset, n), V(m, offset, n), V(v, offset, n), N(n), lr, beta1, beta2, eps, weightDecay, decoupled ? 1 : 0, stepSize, bc2Sqrt);
    }

    public override void RmspropStep(FloatBuffer p, FloatBuffer g, FloatBuffer sq, FloatBuffer? momentumBuf, long offset, long n, float lr,
        float alpha, float eps, float weightDecay, float momentum)
    {
        if (n > 0) K.Rmsprop(Elements(n), V(p, offset, n), V(g, offset, n), V(sq, offset, n), momentumBuf is null ? VOrDummy(null) : V(momentumBuf, offset, n), N(n), lr, alpha, eps, weightDecay, momentum);
    }
}
