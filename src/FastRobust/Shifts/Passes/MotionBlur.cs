namespace FastRobust.Shifts.Passes;

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

    /// <summary>One plane of 8-bit values in, 8-bit values out (the round trip through Wand's PNG blobs).</summary>
    public void Apply(ReadOnlySpan<byte> src, Span<byte> dst, int h, int w)
    {
        int taps = _kernel.Length;
        int minX = _dx.Min(), maxX = _dx.Max(), minY = _dy.Min(), maxY = _dy.Max();
        Span<int> offset = stackalloc int[taps];
        for (int i = 0; i < taps; i++) offset[i] = _dy[i] * w + _dx[i];
        var k = _kernel;
        for (int y = 0; y < h; y++)
        {
            bool rowInside = y + minY >= 0 && y + maxY < h;
            for (int x = 0; x < w; x++)
            {
                double q = 0;
                if (rowInside && x + minX >= 0 && x + maxX < w)
                {
                    int at = y * w + x;
                    for (int i = 0; i < taps; i++) q += k[i] * (src[at + offset[i]] * 257.0);
                }
                else
                    for (int i = 0; i < taps; i++)
                    {
                        int sy = Math.Clamp(y + _dy[i], 0, h - 1), sx = Math.Clamp(x + _dx[i], 0, w - 1);
                        q += k[i] * (src[sy * w + sx] * 257.0);
                    }
                int quantum = q <= 0 ? 0 : q >= 65535 ? 65535 : (int)(q + 0.5);
                dst[y * w + x] = (byte)(quantum / 257);
            }
        }
    }
}
