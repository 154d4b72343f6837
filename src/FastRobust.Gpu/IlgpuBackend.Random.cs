using FastRobust.Tensors;

namespace FastRobust.Gpu;

public sealed partial class IlgpuBackend
{
    public override void FillUniform(FloatBuffer y, long n, ulong seed, ulong stream, ulong offset, float lo, float hi)
    {
        if (n > 0) K.Uniform(Elements((n + 3) / 4), V(y), N(n), seed, stream, offset, lo, hi - lo);
    }

    public override void FillNormal(FloatBuffer y, long n, ulong seed, ulong stream, ulong offset, float mean, float std)
    {
        if (n > 0) K.Normal(Elements((n + 3) / 4), V(y), N(n), seed, stream, offset, mean, std);
    }

    public override void DropoutForward(FloatBuffer x, FloatBuffer y, FloatBuffer mask, long n, float p, ulong seed, ulong stream, ulong offset)
    {
        float keep = 1f / (1f - p);
        if (n > 0) K.Dropout(Elements((n + 3) / 4), V(x), V(y), V(mask), N(n), p, keep, seed, stream, offset);
    }

    public override void RandomCropFlip(FloatBuffer x, FloatBuffer y, int n, int c, int h, int w, int pad, bool flip,
        ulong seed, ulong stream, ulong offset)
    {
        long count = (long)n * c * h * w;
        if (count > 0) K.RandomCropFlip(Elements(count), V(x), V(y), N(count), c, h, w, pad, flip ? 1 : 0, seed, stream, offset);
    }
}
