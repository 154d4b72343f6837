using ILGPU;

namespace FastRobust.Kernels;

/// <summary>
/// make_cifar_c.py's clipped_zoom as the host runs it (src/FastRobust/Shifts/Generation/Passes/ClippedZoom.cs): every kept
/// output pixel is a bilinear mix of four source pixels, where a row h or a column w stands for the zero that scipy
/// reads past the crop. The plans (per zoom factor, per kept row and column: the two source indices and the second
/// one's weight) are the host's, uploaded; the mix is the host's double arithmetic in its order, each product
/// rounded on its own (<see cref="Rounded"/>), so a zoomed value is the host's exactly.
/// Plan k's ints: 2·(h + w) from k·2·(h + w), rows (r0, r1) then columns (c0, c1); its weights: h + w from
/// k·(h + w), ty per row then tx per column.
/// </summary>
[HostBytes]
public static class ClippedZoomKernels
{
    /// <summary>Plan <paramref name="k"/>'s sources and weights for output pixel (y, x).</summary>
    public static void Taps(ArrayView<int> plans, ArrayView<double> weights, int k, int h, int w, int y, int x,
        out int r0, out int r1, out int c0, out int c1, out double ty, out double tx)
    {
        long ib = (long)k * 2 * (h + w), wb = (long)k * (h + w);
        r0 = plans[ib + 2 * y];
        r1 = plans[ib + 2 * y + 1];
        c0 = plans[ib + 2 * h + 2 * x];
        c1 = plans[ib + 2 * h + 2 * x + 1];
        ty = weights[wb + y];
        tx = weights[wb + h + x];
    }

    /// <summary>The host's mix: (1 − ty)·((1 − tx)·p00 + tx·p01) + ty·((1 − tx)·p10 + tx·p11).</summary>
    public static double Bilinear(double p00, double p01, double p10, double p11, double ty, double tx)
    {
        double sx = 1 - tx, sy = 1 - ty;
        double top = Rounded.Mul(sx, p00) + Rounded.Mul(tx, p01);
        double bottom = Rounded.Mul(sx, p10) + Rounded.Mul(tx, p11);
        return Rounded.Mul(sy, top) + Rounded.Mul(ty, bottom);
    }

    /// <summary>A source value of a double plane, 0 on the zero row and column past the crop.</summary>
    public static double At(ArrayView<double> src, long planeBase, int h, int w, int r, int c) =>
        r == h || c == w ? 0.0 : src[planeBase + (long)r * w + c];

    /// <summary>A source value of an 8-bit plane as zoom blur's float32 image holds it ((float)(b / 255.0)), 0 past the crop.</summary>
    public static double AtByte(ArrayView<byte> src, long planeBase, int h, int w, int r, int c) =>
        r == h || c == w ? 0.0 : (double)(float)(src[planeBase + (long)r * w + c] / 255.0);

    /// <summary>
    /// Zoom blur (src/FastRobust/Shifts/Generation/BlurCorruptions.cs), one output value per thread: the image and its
    /// <paramref name="planCount"/> clipped zooms summed in float32 in the host's order, divided by their count.
    /// </summary>
    [Kernel]
    public static void ZoomBlur(ArrayView<byte> src, ArrayView<byte> dst, int total, int h, int w, int planCount,
        ArrayView<int> plans, ArrayView<double> weights)
    {
        int plane = h * w;
        for (int idx = Stride.Start; idx < total; idx += Stride.Step)
        {
            int q = idx / plane, pos = idx - q * plane;
            int y = pos / w, x = pos - y * w;
            long b = (long)q * plane;
            float acc = 0f;
            for (int k = 0; k < planCount; k++)
            {
                Taps(plans, weights, k, h, w, y, x, out int r0, out int r1, out int c0, out int c1, out double ty, out double tx);
                double z = Bilinear(AtByte(src, b, h, w, r0, c0), AtByte(src, b, h, w, r0, c1),
                    AtByte(src, b, h, w, r1, c0), AtByte(src, b, h, w, r1, c1), ty, tx);
                acc += (float)z;
            }
            float n = planCount + 1;
            dst[idx] = CorruptionMath.Out32(((float)(src[idx] / 255.0) + acc) / n);
        }
    }
}
