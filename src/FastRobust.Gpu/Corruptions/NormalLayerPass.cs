using FastRobust.Kernels;
using ILGPU;
using ILGPU.Runtime;

namespace FastRobust.Gpu;

/// <summary>The random layer loc + scale·N(0, 1) per pixel (kernels/Corruptions/NormalLayerKernel.cs) that snow and spatter start from.</summary>
internal static class NormalLayerPass
{
    /// <summary>Fills one plane per image of the batch, normal i of field 0 of each image's stream (the host's rng.Normals).</summary>
    public static void Fill(CorruptionBatch b, ArrayView<double> layer, double loc, double scale)
    {
        var kernel = b.Backend.K.Load("NormalLayerKernel.Layer", a =>
            a.LoadStreamKernel<ArrayView<double>, int, int, long, ulong, ulong, double, double>(NormalLayerKernel.Layer));
        long pixels = (long)b.N * b.Shape.Plane;
        kernel(b.Backend.Elements(pixels), layer, IlgpuBackend.N(pixels), b.Shape.Plane, b.FirstIndex, b.Seed, b.StreamBase, loc, scale);
    }
}
