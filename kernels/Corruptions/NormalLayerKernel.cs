using ILGPU;

namespace FastRobust.Kernels;

/// <summary>The random layer N(loc, scale²) per pixel that snow and spatter start from (the host's rng.Normals of field 0).</summary>
[HostBytes]
public static class NormalLayerKernel
{
    /// <summary>layer[img, i] = loc + scale·normal i of field 0 of the image's stream, one value per thread over the batch.</summary>
    [Kernel]
    public static void Layer(ArrayView<double> layer, int total, int plane, long firstImage, ulong seed, ulong streamBase, double loc, double scale)
    {
        for (int idx = Stride.Start; idx < total; idx += Stride.Step)
        {
            int img = idx / plane, i = idx - img * plane;
            float normal = CorruptionMath.Normal(seed, streamBase | (ulong)(firstImage + img), CorruptionMath.FieldOffset(0), i);
            layer[idx] = loc + Rounded.Mul(scale, normal);
        }
    }
}
