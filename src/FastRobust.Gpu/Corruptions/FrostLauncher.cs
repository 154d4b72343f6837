using FastRobust.Kernels;
using FastRobust.Shifts.Generation;
using FastRobust.Shifts.Generation.Passes;
using ILGPU;
using ILGPU.Runtime;

namespace FastRobust.Gpu;

/// <summary>
/// Frost (kernels/Corruptions/FrostKernels.cs): needle segments one thread per (image, needle), the needle field and
/// grain one thread per pixel, the plasma haze and the standardisations one group per image, the blend one thread
/// per value. The five plates (FrostTexture.Plates, with the host's grey of each) are uploaded once per call.
/// </summary>
internal sealed class FrostLauncher : CorruptionLauncher
{
    public override IReadOnlyList<string> Names { get; } = ["frost"];

    public override void Launch(CorruptionBatch b)
    {
        var k = b.Backend;
        var shape = b.Shape;
        int n = b.N, p = shape.Plane, segments = FrostTexture.Needles * 3;
        int m = PlasmaFractal.MapSize(shape.H, shape.W); // FrostTexture.Generate's haze side

        var plates = PlateTable();
        var plateView = b.Upload(plates);
        var segs = b.Scratch<double>((long)n * segments * FrostKernels.SegmentSize);
        var field = b.Scratch<double>((long)n * p);
        var grain = b.Scratch<float>((long)n * p);
        var haze = b.Scratch<double>((long)n * m * m);
        var info = b.Scratch<double>(2L * n);

        var segmentsKernel = k.K.Load("FrostKernels.Segments", a =>
            a.LoadStreamKernel<ArrayView<double>, int, int, int, int, long, ulong, ulong>(FrostKernels.Segments));
        var needlesKernel = k.K.Load("FrostKernels.Needles", a =>
            a.LoadStreamKernel<ArrayView<double>, ArrayView<double>, ArrayView<float>, int, int, int, int, int, long, ulong, ulong>(FrostKernels.Needles));
        var textureKernel = k.K.Load("FrostKernels.Texture", a =>
            a.LoadStreamKernel<ArrayView<double>, ArrayView<float>, ArrayView<double>, ArrayView<double>, ArrayView<double>, int, int, int, int,
                long, ulong, ulong>(FrostKernels.Texture));
        var blendKernel = k.K.Load("FrostKernels.Blend", a =>
            a.LoadStreamKernel<ArrayView<byte>, ArrayView<byte>, ArrayView<double>, ArrayView<double>, ArrayView<double>, int, int, int, double, double>(
                FrostKernels.Blend));

        long needles = (long)n * FrostTexture.Needles, pixels = (long)n * p;
        segmentsKernel(k.Elements(needles), segs, IlgpuBackend.N(needles), FrostTexture.Needles, shape.H, shape.W, b.FirstIndex, b.Seed, b.StreamBase);
        needlesKernel(k.Elements(pixels), segs, field, grain, IlgpuBackend.N(pixels), p, segments, shape.H, shape.W, b.FirstIndex, b.Seed, b.StreamBase);
        textureKernel(k.Blocks(n), field, grain, haze, info, plateView, p, shape.W, m, FrostTexture.Plates.Length, b.FirstIndex, b.Seed, b.StreamBase);
        var (c0, c1) = Frost.C[b.Severity - 1];
        blendKernel(k.Elements(b.Total), b.Src, b.Dst, field, info, plateView, IlgpuBackend.N(b.Total), shape.C, p, c0, c1);
    }

    /// <summary>Per plate: (mean, std, spread) of R, G, B and of grey (FrostTexture's 0.299/0.587/0.114 mix), then grain ζ and polarity.</summary>
    private static double[] PlateTable()
    {
        var table = new double[FrostTexture.Plates.Length * FrostKernels.PlateSize];
        for (int q = 0; q < FrostTexture.Plates.Length; q++)
        {
            var plate = FrostTexture.Plates[q];
            int o = q * FrostKernels.PlateSize;
            for (int c = 0; c < 3; c++) (table[o + 3 * c], table[o + 3 * c + 1], table[o + 3 * c + 2]) = (plate.Mean[c], plate.Std[c], plate.Level[c]);
            (table[o + 9], table[o + 10], table[o + 11]) = (FrostTexture.Grey(plate.Mean), FrostTexture.Grey(plate.Std), FrostTexture.Grey(plate.Level));
            (table[o + 12], table[o + 13]) = (plate.Grain, plate.Polarity);
        }
        return table;
    }
}
