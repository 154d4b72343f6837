using FastRobust.Random;
using ILGPU;

namespace FastRobust.Kernels;

/// <summary>
/// Philox-4x32-10 fills: (in a grid-stride loop) block b computes the block at counter offset + b and writes elements 4b..4b+3, the
/// CPU backend's layout, so the same (seed, stream, offset) gives bit-identical uniforms and dropout masks.
/// </summary>
public static class RandomFill
{
    [Kernel]
    public static void Uniform(ArrayView<float> y, int n, ulong seed, ulong stream, ulong offset, float lo, float span)
    {
        int blocks = (n + 3) / 4;
        for (int blk = Stride.Start; blk < blocks; blk += Stride.Step) UniformBlock(y, n, blk, seed, stream, offset, lo, span);
    }

    private static void UniformBlock(ArrayView<float> y, int n, int blk, ulong seed, ulong stream, ulong offset, float lo, float span)
    {
        Philox.Block(seed, stream, offset + (ulong)blk, out uint r0, out uint r1, out uint r2, out uint r3);
        int i = blk * 4;
        if (i < n) y[i] = lo + span * Philox.ToUnit(r0);
        if (i + 1 < n) y[i + 1] = lo + span * Philox.ToUnit(r1);
        if (i + 2 < n) y[i + 2] = lo + span * Philox.ToUnit(r2);
        if (i + 3 < n) y[i + 3] = lo + span * Philox.ToUnit(r3);
    }

    [Kernel]
    public static void Normal(ArrayView<float> y, int n, ulong seed, ulong stream, ulong offset, float mean, float std)
    {
        int blocks = (n + 3) / 4;
        for (int blk = Stride.Start; blk < blocks; blk += Stride.Step) NormalBlock(y, n, blk, seed, stream, offset, mean, std);
    }

    private static void NormalBlock(ArrayView<float> y, int n, int blk, ulong seed, ulong stream, ulong offset, float mean, float std)
    {
        Philox.Block(seed, stream, offset + (ulong)blk, out uint r0, out uint r1, out uint r2, out uint r3);
        int i = blk * 4;
        if (i < n) y[i] = mean + std * KMath.BoxMuller(r0, r1, false);
        if (i + 1 < n) y[i + 1] = mean + std * KMath.BoxMuller(r0, r1, true);
        if (i + 2 < n) y[i + 2] = mean + std * KMath.BoxMuller(r2, r3, false);
        if (i + 3 < n) y[i + 3] = mean + std * KMath.BoxMuller(r2, r3, true);
    }

    private static void DropLane(ArrayView<float> x, ArrayView<float> y, ArrayView<float> mask, int i, uint r, float p, float keep)
    {
        float m = Philox.ToUnit(r) >= p ? keep : 0f;
        mask[i] = m;
        y[i] = x[i] * m;
    }

    /// <summary>mask = (u ≥ p)·keep with keep = 1/(1 − p) from the host, y = x·mask.</summary>
    [Kernel]
    public static void Dropout(ArrayView<float> x, ArrayView<float> y, ArrayView<float> mask, int n, float p, float keep,
        ulong seed, ulong stream, ulong offset)
    {
        int blocks = (n + 3) / 4;
        for (int blk = Stride.Start; blk < blocks; blk += Stride.Step) DropoutBlock(x, y, mask, n, blk, p, keep, seed, stream, offset);
    }

    private static void DropoutBlock(ArrayView<float> x, ArrayView<float> y, ArrayView<float> mask, int n, int blk, float p, float keep,
        ulong seed, ulong stream, ulong offset)
    {
        Philox.Block(seed, stream, offset + (ulong)blk, out uint r0, out uint r1, out uint r2, out uint r3);
        int i = blk * 4;
        if (i < n) DropLane(x, y, mask, i, r0, p, keep);
        if (i + 1 < n) DropLane(x, y, mask, i + 1, r1, p, keep);
        if (i + 2 < n) DropLane(x, y, mask, i + 2, r2, p, keep);
        if (i + 3 < n) DropLane(x, y, mask, i + 3, r3, p, keep);
    }
}
