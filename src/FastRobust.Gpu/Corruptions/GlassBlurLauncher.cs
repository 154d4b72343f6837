using FastRobust.Kernels;
using FastRobust.Shifts.Generation;
using ILGPU;
using ILGPU.Runtime;

namespace FastRobust.Gpu;

/// <summary>
/// Glass blur: the Gaussian filter over the batch into 8-bit pixels, the pixel copies with one thread per image
/// (kernels/Corruptions/GlassBlurKernel.cs: they are sequential within an image), then the filter again into the output.
/// </summary>
internal sealed class GlassBlurLauncher : CorruptionLauncher
{
    public override IReadOnlyList<string> Names { get; } = ["glass_blur"];

    public override void Launch(CorruptionBatch b)
    {
        var (sigma, d, iterations) = GlassBlur.C[b.Severity - 1];
        var pixels = b.Scratch<byte>(b.Total);
        var tmp = b.Scratch<double>(b.Total);
        // the host truncates the first blur with (byte)min(v·255, 255), the same byte as the column pass's Out for v ≥ 0
        GaussianFilterPass.Blur(b, b.Src, pixels, sigma, tmp);
        var copies = b.Backend.K.Load("GlassBlurKernel.Copies", a =>
            a.LoadStreamKernel<ArrayView<byte>, int, int, int, int, int, int, long, ulong, ulong>(GlassBlurKernel.Copies));
        copies(b.Backend.Elements(b.N), pixels, b.N, b.Shape.C, b.Shape.H, b.Shape.W, d, iterations, b.FirstIndex, b.Seed, b.StreamBase);
        GaussianFilterPass.Blur(b, pixels, b.Dst, sigma, tmp);
    }
}
