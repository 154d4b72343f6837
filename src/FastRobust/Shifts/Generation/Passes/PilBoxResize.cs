namespace FastRobust.Shifts.Generation.Passes;

/// <summary>
/// Pillow's Image.resize(size, Image.BOX) on 8-bit planes, from Pillow's definition (what make_cifar_c.py's pixelate
/// calls): output pixel i averages the input pixels whose centres fall in (c − s/2, c + s/2], c = (i + ½)·in/out and
/// s = max(in/out, 1); weights in 22-bit fixed point, rounded; a horizontal pass, an 8-bit intermediate, a vertical pass.
/// </summary>
internal sealed class PilBoxResize
{
    internal const int PrecisionBits = 32 - 8 - 2;
    private readonly Axis _x, _y;

    public PilBoxResize(int inH, int inW, int outH, int outW)
    {
        InH = inH;
        InW = inW;
        OutH = outH;
        OutW = outW;
        _x = new Axis(inW, outW);
        _y = new Axis(inH, outH);
    }

    public int InH { get; }
    public int InW { get; }
    public int OutH { get; }
    public int OutW { get; }

    /// <summary>The horizontal and vertical passes' taps (the GPU kernels upload them).</summary>
    internal Axis X => _x;
    internal Axis Y => _y;

    /// <summary>Resizes one plane; <paramref name="tmp"/> holds inH × outW bytes.</summary>
    public void Apply(ReadOnlySpan<byte> src, Span<byte> dst, Span<byte> tmp)
    {
        bool horizontal = OutW != InW, vertical = OutH != InH;
        var mid = horizontal ? tmp[..(InH * OutW)] : default;
        if (horizontal)
            for (int y = 0; y < InH; y++)
                for (int x = 0; x < OutW; x++)
                {
                    int acc = 1 << (PrecisionBits - 1);
                    int start = _x.Start[x];
                    for (int t = 0; t < _x.Count[x]; t++) acc += src[y * InW + start + t] * _x.Weights[x * _x.KSize + t];
                    mid[y * OutW + x] = Clip8(acc);
                }
        ReadOnlySpan<byte> rows = horizontal ? mid : src;
        if (!vertical)
        {
            rows[..(OutH * OutW)].CopyTo(dst);
            return;
        }
        for (int y = 0; y < OutH; y++)
            for (int x = 0; x < OutW; x++)
            {
                int acc = 1 << (PrecisionBits - 1);
                int start = _y.Start[y];
                for (int t = 0; t < _y.Count[y]; t++) acc += rows[(start + t) * OutW + x] * _y.Weights[y * _y.KSize + t];
                dst[y * OutW + x] = Clip8(acc);
            }
    }

    private static byte Clip8(int acc) => (byte)Math.Clamp(acc >> PrecisionBits, 0, 255);

    /// <summary>Pillow's precompute_coeffs for the box filter (support ½), then normalize_coeffs_8bpc.</summary>
    internal sealed class Axis
    {
        public readonly int[] Start, Count, Weights;
        public readonly int KSize;

        public Axis(int inSize, int outSize)
        {
            double scale = (double)inSize / outSize, filterScale = Math.Max(scale, 1.0);
            double support = 0.5 * filterScale;
            KSize = (int)Math.Ceiling(support) * 2 + 1;
            Start = new int[outSize];
            Count = new int[outSize];
            Weights = new int[outSize * KSize];
            var k = new double[KSize];
            for (int i = 0; i < outSize; i++)
            {
                double centre = (i + 0.5) * scale, ss = 1.0 / filterScale;
                int xmin = Math.Max((int)(centre - support + 0.5), 0);
                int xmax = Math.Min((int)(centre + support + 0.5), inSize) - xmin;
                double ww = 0;
                for (int x = 0; x < xmax; x++)
                {
                    double arg = (x + xmin - centre + 0.5) * ss;
                    k[x] = arg > -0.5 && arg <= 0.5 ? 1.0 : 0.0;
                    ww += k[x];
                }
                Start[i] = xmin;
                Count[i] = xmax;
                for (int x = 0; x < xmax; x++)
                {
                    double v = ww != 0 ? k[x] / ww : k[x];
                    Weights[i * KSize + x] = (int)(v < 0 ? -0.5 + v * (1 << PrecisionBits) : 0.5 + v * (1 << PrecisionBits));
                }
            }
        }
    }
}
