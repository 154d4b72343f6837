using System.Numerics;

namespace FastRobust.Shifts.Generation.Passes;

/// <summary>
/// ImageMagick 6's MotionBlurImage (what make_cifar_c.py calls through Wand), from its definition: a one-sided
/// Gaussian of width 2⌈radius⌉ + 1 taps, tap i weighted exp(−i²/2σ²) (normalised) and read i pixels along the
/// angle — at (x + round(i·cos θ), y + round(i·sin θ)), rounding halves up, edge pixels repeated outside the image.
/// Pixels are 16-bit quanta (8-bit values × 257); the sum is rounded to a quantum, and the 8-bit PNG that Wand hands
/// back holds ⌊quantum / 257⌋ (ImageMagick's PNG writer truncates; measured with python3-wand on ImageMagick 6.9.11).
/// </summary>
internal sealed class MotionBlur
{
    private readonly double[] _kernel;
    private readonly int[] _dx, _dy;

    public MotionBlur(double radius, double sigma, double angleDegrees)
    {
        int width = (int)(2 * Math.Ceiling(radius) + 1);
        double s = Math.Abs(sigma) < 1e-12 ? 1e-12 : sigma;
        _kernel = new double[width];
        double normalize = 0;
        for (int i = 0; i < width; i++)
        {
            _kernel[i] = Math.Exp(-((double)i * i) / (2.0 * s * s)) / (2.5066282746310002 * s);
            normalize += _kernel[i];
        }
        for (int i = 0; i < width; i++) _kernel[i] /= normalize;
        double theta = Math.PI * angleDegrees / 180.0;
        double px = width * Math.Sin(theta), py = width * Math.Cos(theta);
        double hyp = double.Hypot(px, py);
        _dx = new int[width];
        _dy = new int[width];
        for (int i = 0; i < width; i++)
        {
            _dx[i] = (int)Math.Ceiling(i * py / hyp - 0.5);
            _dy[i] = (int)Math.Ceiling(i * px / hyp - 0.5);
        }
    }

    public int Width => _kernel.Length;

    /// <summary>The normalised tap weights and the taps' pixel offsets along the angle (for the GPU kernels' tables).</summary>
    internal ReadOnlySpan<double> Weights => _kernel;
    internal ReadOnlySpan<int> Dx => _dx;
    internal ReadOnlySpan<int> Dy => _dy;

    /// <summary>
    /// One plane of 8-bit values in, 8-bit values out (the round trip through Wand's PNG blobs). Clamping a tap's
    /// position to the image is reading a copy of the plane padded with its edge pixels, so every output reads the
    /// padded copy (values × 257, exact in double) and a row's outputs are summed a vector at a time: each lane does
    /// the scalar sum's multiplies and adds in its order, tap 0 first, so the doubles are identical.
    /// </summary>
    public void Apply(ReadOnlySpan<byte> src, Span<byte> dst, int h, int w)
    {
        int taps = _kernel.Length, lanes = Vector<double>.Count;
        int pad = 0;
        for (int i = 0; i < taps; i++) pad = Math.Max(pad, Math.Max(Math.Abs(_dx[i]), Math.Abs(_dy[i])));
        int pw = w + 2 * pad + lanes, ph = h + 2 * pad; // + lanes: the last vector of a row may read past w
        var padded = Padded.Value!.Length >= pw * ph ? Padded.Value : Padded.Value = new double[pw * ph];
        for (int py = 0; py < ph; py++)
        {
            int sy = Math.Clamp(py - pad, 0, h - 1);
            for (int px = 0; px < pw; px++) padded[py * pw + px] = src[sy * w + Math.Clamp(px - pad, 0, w - 1)] * 257.0;
        }
        Span<int> offset = stackalloc int[taps];
        for (int i = 0; i < taps; i++) offset[i] = (pad + _dy[i]) * pw + pad + _dx[i];
        Span<double> q = stackalloc double[w + lanes];
        var k = _kernel;
        for (int y = 0; y < h; y++)
        {
            for (int x = 0; x < w; x += lanes)
            {
                var acc = Vector<double>.Zero;
                for (int i = 0; i < taps; i++)
                    acc += new Vector<double>(k[i]) * new Vector<double>(padded.AsSpan(y * pw + x + offset[i], lanes));
                acc.CopyTo(q[x..]);
            }
            for (int x = 0; x < w; x++)
            {
                double v = q[x];
                int quantum = v <= 0 ? 0 : v >= 65535 ? 65535 : (int)(v + 0.5);
                dst[y * w + x] = (byte)(quantum / 257);
            }
        }
    }

    /// <summary>Each thread's padded plane, reused from image to image.</summary>
    private static readonly ThreadLocal<double[]> Padded = new(() => []);
}
