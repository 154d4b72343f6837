using FastRobust.Kernels;
using FastRobust.Shifts.Generation;
using FastRobust.Shifts.Generation.Jpeg;
using ILGPU;
using ILGPU.Runtime;

namespace FastRobust.Gpu;

/// <summary>
/// JPEG compression (kernels/Corruptions/JpegKernels.cs): one thread per 8 × 8 block of every component, then one per
/// pixel. The quality's quantisation tables come from the host's codec (JpegTables.Scaled), uploaded per call.
/// </summary>
internal sealed class JpegLauncher : CorruptionLauncher
{
    public override IReadOnlyList<string> Names { get; } = ["jpeg_compression"];

    public override void Launch(CorruptionBatch b)
    {
        var blocks = b.Backend.K.Load("JpegKernels.Blocks", a =>
            a.LoadStreamKernel<ArrayView<byte>, ArrayView<byte>, ArrayView<int>, ArrayView<int>, int, int, int, int, int, int>(JpegKernels.Blocks));
        var pixels = b.Backend.K.Load("JpegKernels.Pixels", a =>
            a.LoadStreamKernel<ArrayView<byte>, ArrayView<byte>, int, int, int, int, int, int>(JpegKernels.Pixels));
        var s = b.Shape;
        int quality = JpegCompression.Quality[b.Severity - 1];
        var tables = new int[128];
        var luma = JpegTables.Scaled(JpegTables.Luminance, quality);
        var chroma = JpegTables.Scaled(JpegTables.Chrominance, quality);
        for (int i = 0; i < 64; i++) (tables[i], tables[64 + i]) = (luma[i], chroma[i]);
        var quant = b.Upload(tables);

        // MCUs: 16 × 16 pixels for colour (4:2:0), 8 × 8 for grey, as JpegFrame.McusX/Y
        int mcu = s.C == 3 ? 16 : 8, mx = (s.W + mcu - 1) / mcu, my = (s.H + mcu - 1) / mcu;
        long perImage = (s.C == 3 ? 6L : 1L) * mx * my;
        long total = b.N * perImage;
        var recon = b.Scratch<byte>(total * 64);
        var work = b.Scratch<int>(total * 64);
        blocks(b.Backend.Elements(total), b.Src, recon, work, quant, IlgpuBackend.N(total), s.C, s.H, s.W, mx, my);
        long count = (long)b.N * s.Plane;
        pixels(b.Backend.Elements(count), recon, b.Dst, IlgpuBackend.N(count), s.C, s.H, s.W, mx, my);
    }
}
