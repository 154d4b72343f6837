using FastRobust.Kernels;
using FastRobust.Shifts.Generation;
using FastRobust.Shifts.Generation.Passes;
using ILGPU;
using ILGPU.Runtime;

namespace FastRobust.Gpu;

/// <summary>
/// Pixelate: Pillow's box resize down and back up (the host's PilBoxResize plans, their weights uploaded), each
/// resize a pass along x then along y over the whole batch, one output byte per thread (kernels/Corruptions/BoxResizeKernel.cs).
/// </summary>
internal sealed class PixelateLauncher : CorruptionLauncher
{
    public override IReadOnlyList<string> Names { get; } = ["pixelate"];

    public override void Launch(CorruptionBatch b)
    {
        var (down, up) = Pixelate.Plan(b.Shape.H, b.Shape.W, b.Severity);
        long planes = (long)b.N * b.Shape.C;
        var small = b.Scratch<byte>(planes * down.OutH * down.OutW);
        Resize(b, down, b.Src, small, planes);
        Resize(b, up, small, b.Dst, planes);
    }

    /// <summary>PilBoxResize.Apply on every plane: the horizontal pass into an 8-bit scratch, then the vertical; an axis of unchanged size is skipped, as there.</summary>
    private static void Resize(CorruptionBatch b, PilBoxResize resize, ArrayView<byte> src, ArrayView<byte> dst, long planes)
    {
        bool horizontal = resize.OutW != resize.InW, vertical = resize.OutH != resize.InH;
        if (!horizontal && !vertical)
        {
            src.SubView(0, planes * resize.InH * resize.InW).CopyTo(b.Backend.Accelerator.DefaultStream, dst.SubView(0, planes * resize.OutH * resize.OutW));
            return;
        }
        var mid = horizontal && vertical ? b.Scratch<byte>(planes * resize.InH * resize.OutW) : dst;
        if (horizontal) Pass(b, resize.X, src, horizontal && vertical ? mid : dst, planes, resize.InH, resize.InW, resize.InH, resize.OutW, true);
        if (vertical) Pass(b, resize.Y, horizontal ? mid : src, dst, planes, resize.InH, resize.OutW, resize.OutH, resize.OutW, false);
    }

    private static void Pass(CorruptionBatch b, PilBoxResize.Axis axis, ArrayView<byte> src, ArrayView<byte> dst, long planes,
        int inH, int inW, int outH, int outW, bool horizontal)
    {
        var kernel = b.Backend.K.Load("BoxResizeKernel.Pass", a =>
            a.LoadStreamKernel<ArrayView<byte>, ArrayView<byte>, ArrayView<int>, ArrayView<int>, ArrayView<int>, int, int, int, int, int, int, int, int>(BoxResizeKernel.Pass));
        long total = planes * outH * outW;
        kernel(b.Backend.Elements(total), src, dst, b.Upload(axis.Start), b.Upload(axis.Count), b.Upload(axis.Weights),
            IlgpuBackend.N(total), inH, inW, outH, outW, axis.KSize, horizontal ? 1 : 0, PilBoxResize.PrecisionBits);
    }
}
