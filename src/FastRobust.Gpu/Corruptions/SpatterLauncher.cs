using FastRobust.Kernels;
using FastRobust.Shifts.Generation;
using FastRobust.Shifts.Generation.Passes;
using ILGPU;
using ILGPU.Runtime;

namespace FastRobust.Gpu;

/// <summary>
/// Spatter (kernels/Corruptions/SpatterKernels.cs and the passes it shares): the liquid layer and its Gaussian blur
/// one thread per pixel; then mud (severities 4–5: a float32 Gaussian blur of the mask, one thread per pixel, and the
/// output one per value) or water (severities 1–3: Canny's gradients and suppression per pixel, its hysteresis per
/// image, the distance transform per image, box blur per pixel, the equalisation table per image, emboss and box blur
/// per pixel, the largest drop per image, the output per value). Taps, step costs, emboss kernel and colours are the
/// host's, uploaded per call.
/// </summary>
internal sealed class SpatterLauncher : CorruptionLauncher
{
    public override IReadOnlyList<string> Names { get; } = ["spatter"];

    public override void Launch(CorruptionBatch b)
    {
        var k = b.Backend.K;
        var c = Spatter.C[b.Severity - 1];
        int h = b.Shape.H, w = b.Shape.W, plane = b.Shape.Plane;
        long pixels = (long)b.N * plane;
        int n = IlgpuBackend.N(pixels), values = IlgpuBackend.N(b.Total);
        var perPixel = b.Backend.Elements(pixels);
        var perImage = b.Backend.Elements(b.N);

        var threshold = k.Load("SpatterKernels.Threshold", a =>
            a.LoadStreamKernel<ArrayView<double>, ArrayView<byte>, ArrayView<double>, int, double, int>(SpatterKernels.Threshold));

        var layer = b.Scratch<double>(pixels);
        var tmp = b.Scratch<double>(pixels);
        var liquid = b.Scratch<double>(pixels);
        var taps = b.Upload(GaussianFilter.Kernel(c.Sigma, 4.0));
        int r = (int)(taps.Length / 2);

        NormalLayerPass.Fill(b, layer, c.Loc, c.Scale);
        GaussianFilterPass.Axis(b, layer, tmp, taps, r, pixels, vertical: true, float32: false, BorderIndex.Nearest);
        GaussianFilterPass.Axis(b, tmp, liquid, taps, r, pixels, vertical: false, float32: false, BorderIndex.Nearest);

        if (c.Mud)
        {
            var mask = b.Scratch<double>(pixels);
            var m = b.Scratch<double>(pixels);
            var mudTaps = b.Upload(GaussianFilter.Kernel(c.Intensity, 4.0));
            int mr = (int)(mudTaps.Length / 2);
            threshold(perPixel, liquid, b.Scratch<byte>(1), mask, n, c.Threshold, 1);
            GaussianFilterPass.Axis(b, mask, tmp, mudTaps, mr, pixels, vertical: true, float32: true, BorderIndex.Nearest);
            GaussianFilterPass.Axis(b, tmp, m, mudTaps, mr, pixels, vertical: false, float32: true, BorderIndex.Nearest);
            var colour = Spatter.MudColour(b.Shape.C);
            var mud = k.Load("SpatterKernels.Mud", a =>
                a.LoadStreamKernel<ArrayView<byte>, ArrayView<byte>, ArrayView<double>, int, int, int, float, float, float>(SpatterKernels.Mud));
            mud(b.Backend.Elements(b.Total), b.Src, b.Dst, m, values, b.Shape.C, plane, colour[0], colour.Length > 1 ? colour[1] : 0f, colour.Length > 2 ? colour[2] : 0f);
            return;
        }

        var level = b.Scratch<byte>(pixels);
        threshold(perPixel, liquid, level, b.Scratch<double>(1), n, c.Threshold, 0);

        // Canny(level, 50, 150), as Spatter.Water calls it
        var dx = b.Scratch<int>(pixels);
        var dy = b.Scratch<int>(pixels);
        var mag = b.Scratch<int>(pixels);
        var map = b.Scratch<byte>(pixels);
        var stack = b.Scratch<int>(pixels);
        k.Load("CannyKernels.Gradients", a =>
            a.LoadStreamKernel<ArrayView<byte>, ArrayView<int>, ArrayView<int>, ArrayView<int>, int, int, int>(CannyKernels.Gradients))(
            perPixel, level, dx, dy, mag, n, h, w);
        k.Load("CannyKernels.Suppress", a =>
            a.LoadStreamKernel<ArrayView<int>, ArrayView<int>, ArrayView<int>, ArrayView<byte>, int, int, int, int, int>(CannyKernels.Suppress))(
            perPixel, dx, dy, mag, map, n, h, w, 50, 150);
        k.Load("CannyKernels.Hysteresis", a =>
            a.LoadStreamKernel<ArrayView<byte>, ArrayView<int>, int, int, int>(CannyKernels.Hysteresis))(perImage, map, stack, b.N, h, w);

        // distances to the edges, capped at 20 as Spatter.Water caps them
        var t = b.Scratch<uint>((long)b.N * (h + 4) * (w + 4));
        var dist = b.Scratch<float>(pixels);
        k.Load("DistanceTransformKernel.FromEdges", a =>
            a.LoadStreamKernel<ArrayView<byte>, ArrayView<uint>, ArrayView<float>, int, int, int, uint, uint, uint, float>(DistanceTransformKernel.FromEdges))(
            perImage, map, t, dist, b.N, h, w, DistanceTransform.Cost(1f), DistanceTransform.Cost(1.4f), DistanceTransform.Cost(2.1969f), 20f);

        var smooth = b.Scratch<byte>(pixels);
        k.Load("SpatterKernels.BoxDistances", a =>
            a.LoadStreamKernel<ArrayView<float>, ArrayView<byte>, int, int, int>(SpatterKernels.BoxDistances))(perPixel, dist, smooth, n, h, w);
        var hist = b.Scratch<int>(b.N * 256L);
        var lut = b.Scratch<byte>(b.N * 256L);
        k.Load("HistogramEqualizeKernel.Table", a =>
            a.LoadStreamKernel<ArrayView<byte>, ArrayView<int>, ArrayView<byte>, int, int>(HistogramEqualizeKernel.Table))(perImage, smooth, hist, lut, b.N, plane);
        var embossed = b.Scratch<byte>(pixels);
        var emboss = b.Upload(Spatter.Emboss);
        k.Load("SpatterKernels.Emboss", a =>
            a.LoadStreamKernel<ArrayView<byte>, ArrayView<byte>, ArrayView<int>, ArrayView<byte>, int, int, int>(SpatterKernels.Emboss))(
            perPixel, smooth, lut, emboss, embossed, n, h, w);
        // the box blur of the emboss overwrites the blurred distances, which are not read again
        k.Load("SpatterKernels.BoxBytes", a =>
            a.LoadStreamKernel<ArrayView<byte>, ArrayView<byte>, int, int, int>(SpatterKernels.BoxBytes))(perPixel, embossed, smooth, n, h, w);
        var max = b.Scratch<float>(b.N);
        k.Load("SpatterKernels.MaxDrop", a =>
            a.LoadStreamKernel<ArrayView<byte>, ArrayView<byte>, ArrayView<float>, int, int>(SpatterKernels.MaxDrop))(perImage, level, smooth, max, b.N, plane);
        var water = Spatter.WaterColour(b.Shape.C);
        k.Load("SpatterKernels.Water", a =>
            a.LoadStreamKernel<ArrayView<byte>, ArrayView<byte>, ArrayView<byte>, ArrayView<byte>, ArrayView<float>, int, int, int, float, float, float, float>(SpatterKernels.Water))(
            b.Backend.Elements(b.Total), b.Src, b.Dst, level, smooth, max, values, b.Shape.C, plane, (float)c.Intensity,
            water[0], water.Length > 1 ? water[1] : 0f, water.Length > 2 ? water[2] : 0f);
    }
}
