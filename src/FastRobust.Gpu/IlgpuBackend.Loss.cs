using FastRobust.Tensors;

namespace FastRobust.Gpu;

public sealed partial class IlgpuBackend
{
    public override void SoftmaxCrossEntropyForward(FloatBuffer logits, IntBuffer labels, FloatBuffer losses, FloatBuffer probs,
        int rows, int classes, int n, float smoothing)
    {
        if (rows > 0) K.SceForward(Elements(rows), V(logits), V(labels), V(losses), V(probs), rows, classes, n, smoothing);
    }

    public override void SoftmaxCrossEntropyBackward(FloatBuffer probs, IntBuffer labels, FloatBuffer dlosses, FloatBuffer dlogits,
        int rows, int classes, int n, float smoothing)
    {
        float off = smoothing / classes, on = 1f - smoothing + off;
        long count = (long)rows * classes;
        if (count > 0) K.SceBackward(Elements(count), V(probs), V(labels), V(dlosses), V(dlogits), N(count), classes, n, on, off);
    }

    public override void Softmax(FloatBuffer x, FloatBuffer y, int rows, int classes)
    {
        if (rows > 0) K.Softmax(Elements(rows), V(x), V(y), rows, classes);
    }
}
