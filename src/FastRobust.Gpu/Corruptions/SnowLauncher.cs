using FastRobust.Kernels;
using FastRobust.Shifts.Generation;
using FastRobust.Shifts.Generation.Passes;
using ILGPU;
using ILGPU.Runtime;

namespace FastRobust.Gpu;

/// <summary>
/// Snow (kernels/Corruptions/SnowKernels.cs): the layer, its clipped zoom and threshold, the motion blur of
/// <see cref="MotionBlurLauncher"/> at each image's angle, and the blend — four launches of one thread per pixel
/// over the whole batch, the layer (doubles) and flakes (bytes) in batch scratch.
/// </summary>
internal sealed class SnowLauncher : CorruptionLauncher
{
    public override IReadOnlyList<string> Names { get; } = ["snow"];

    public override void Launch(CorruptionBatch b)
    {
        var c = Snow.C[b.Severity - 1];
        int h = b.Shape.H, w = b.Shape.W;
        long pixels = (long)b.N * b.Shape.Plane;
        int n = IlgpuBackend.N(pixels);
        var layer = b.Scratch<double>(pixels);
        var flakes = b.Scratch<byte>(pixels);
        var blurred = b.Scratch<byte>(pixels);

        NormalLayerPass.Fill(b, layer, c.Loc, c.Scale);

        var (plans, weights) = ZoomBlurLauncher.Tables(b, [new ClippedZoom(h, w, c.Zoom)]);
        var flakeKernel = b.Backend.K.Load("SnowKernels.Flakes", a =>
            a.LoadStreamKernel<ArrayView<double>, ArrayView<byte>, int, int, int, ArrayView<int>, ArrayView<double>, double>(SnowKernels.Flakes));
        flakeKernel(b.Backend.Elements(pixels), layer, flakes, n, h, w, plans, weights, c.Threshold);

        var (taps, tapWeights, shifts) = MotionBlurLauncher.Tables(b, c.Radius, c.Sigma, r => Snow.Angle(r));
        MotionBlurLauncher.Blur(b, flakes, blurred, 1, taps, tapWeights, shifts);

        var blend = b.Backend.K.Load("SnowKernels.Blend", a =>
            a.LoadStreamKernel<ArrayView<byte>, ArrayView<byte>, ArrayView<byte>, int, int, int, float, float>(SnowKernels.Blend));
        // the host's float32 weights: (float)b and (float)(1 − b), the subtraction in double
        blend(b.Backend.Elements(pixels), b.Src, blurred, b.Dst, n, b.Shape.C, b.Shape.Plane, (float)c.Blend, (float)(1 - c.Blend));
    }
}
