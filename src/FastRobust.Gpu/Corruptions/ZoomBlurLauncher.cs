using FastRobust.Kernels;
using FastRobust.Shifts.Generation;
using FastRobust.Shifts.Generation.Passes;
using ILGPU;
using ILGPU.Runtime;

namespace FastRobust.Gpu;

/// <summary>
/// Zoom blur: one thread per output value (kernels/Corruptions/ClippedZoomKernels.cs), reading the host's clipped-zoom
/// plans (one per zoom factor, <see cref="ZoomBlur.Factors"/>) uploaded as tables.
/// </summary>
internal sealed class ZoomBlurLauncher : CorruptionLauncher
{
    public override IReadOnlyList<string> Names { get; } = ["zoom_blur"];

    public override void Launch(CorruptionBatch b)
    {
        int h = b.Shape.H, w = b.Shape.W;
        var factors = ZoomBlur.Factors(b.Severity);
        var (plans, weights) = Tables(b, factors.Select(z => new ClippedZoom(h, w, z)).ToArray());
        var kernel = b.Backend.K.Load("ClippedZoomKernels.ZoomBlur", a =>
            a.LoadStreamKernel<ArrayView<byte>, ArrayView<byte>, int, int, int, int, ArrayView<int>, ArrayView<double>>(ClippedZoomKernels.ZoomBlur));
        kernel(b.Backend.Elements(b.Total), b.Src, b.Dst, IlgpuBackend.N(b.Total), h, w, factors.Length, plans, weights);
    }

    /// <summary>The plans in the kernels' layout (ClippedZoomKernels), on the device for the batch's lifetime.</summary>
    internal static (ArrayView<int> Plans, ArrayView<double> Weights) Tables(CorruptionBatch b, ClippedZoom[] zooms)
    {
        int h = b.Shape.H, w = b.Shape.W;
        var ints = new int[zooms.Length * 2 * (h + w)];
        var weights = new double[zooms.Length * (h + w)];
        for (int k = 0; k < zooms.Length; k++)
        {
            int ib = k * 2 * (h + w), wb = k * (h + w);
            for (int y = 0; y < h; y++) (ints[ib + 2 * y], ints[ib + 2 * y + 1], weights[wb + y]) = zooms[k].Row(y);
            for (int x = 0; x < w; x++) (ints[ib + 2 * h + 2 * x], ints[ib + 2 * h + 2 * x + 1], weights[wb + h + x]) = zooms[k].Column(x);
        }
        return (b.Upload(ints), b.Upload(weights));
    }
}
