namespace FastRobust.Shifts.Generation.Passes;

/// <summary>
/// make_cifar_c.py's clipped_zoom: crop the centre ⌈n/z⌉ pixels of each axis, scale the crop by z with
/// scipy.ndimage.zoom(order=1) — output size round(crop·z), output index o sampling input coordinate
/// o·(crop − 1)/(out − 1) bilinearly — then cut the centre n pixels back out. The sampling positions depend only on
/// the image size and z, so they are computed once per plan; applying one is a 4-tap gather per pixel.
/// </summary>
internal sealed class ClippedZoom
{
    private readonly int[] _r0, _r1, _c0, _c1;
    private readonly double[] _ty, _tx;
    private readonly int _h, _w;

    public ClippedZoom(int h, int w, double zoom)
    {
        _h = h;
        _w = w;
        Zoom = zoom;
        // sources are read from an (h + 1) × (w + 1) copy whose last row and column are 0: a neighbour past the crop's
        // end reads there, as scipy (which sees only the crop) reads its constant 0
        (_r0, _r1, _ty) = Axis(h, zoom, w + 1);
        (_c0, _c1, _tx) = Axis(w, zoom, 1);
    }

    public double Zoom { get; }

    /// <summary>
    /// The plan as the GPU kernels read it: per kept row the two source rows (h for the zero row past the crop) and
    /// the second one's weight, per kept column the two source columns (w for the zero column) and the second one's weight.
    /// </summary>
    internal (int R0, int R1, double Ty) Row(int y) => (_r0[y] / (_w + 1), _r1[y] / (_w + 1), _ty[y]);
    internal (int C0, int C1, double Tx) Column(int x) => (_c0[x], _c1[x], _tx[x]);

    /// <summary>Values an <see cref="Apply"/> scratch buffer needs.</summary>
    public int PaddedSize => (_h + 1) * (_w + 1);

    /// <summary>For each kept output index: offsets (× stride) of the two source neighbours and the upper one's weight.</summary>
    private static (int[] Lo, int[] Hi, double[] T) Axis(int n, double zoom, int stride)
    {
        int crop = (int)Math.Ceiling(n / zoom);
        int top = (n - crop) / 2;
        int outSize = (int)Math.Round(crop * zoom, MidpointRounding.ToEven);
        int trim = (outSize - n) / 2;
        if (trim < 0 || outSize < n) throw new ArgumentException($"zoom {zoom} on {n} pixels leaves fewer than {n}");
        double step = outSize > 1 ? (crop - 1) / (double)(outSize - 1) : 1.0;
        var lo = new int[n];
        var hi = new int[n];
        var t = new double[n];
        for (int i = 0; i < n; i++)
        {
            double c = (i + trim) * step;
            int i0 = (int)Math.Floor(c);
            lo[i] = (top + i0) * stride;
            hi[i] = (i0 + 1 >= crop ? n : top + i0 + 1) * stride;
            t[i] = c - i0;
        }
        return (lo, hi, t);
    }

    /// <summary>dst = clipped_zoom(src) for one h × w plane; <paramref name="padded"/> holds <see cref="PaddedSize"/> values.</summary>
    public void Apply(ReadOnlySpan<double> src, Span<double> dst, Span<double> padded)
    {
        Pad(src, padded, _h, _w);
        ApplyPadded(padded, dst);
    }

    /// <summary>The h × w plane into an (h + 1) × (w + 1) copy whose last row and column are 0 (what every plan of that size reads).</summary>
    public static void Pad(ReadOnlySpan<double> src, Span<double> padded, int h, int w)
    {
        int pw = w + 1;
        padded[..((h + 1) * pw)].Clear();
        for (int y = 0; y < h; y++) src.Slice(y * w, w).CopyTo(padded.Slice(y * pw, w));
    }

    /// <summary>dst = clipped_zoom of a plane already padded by <see cref="Pad"/> (zoom blur pads once for all its plans).</summary>
    public void ApplyPadded(ReadOnlySpan<double> p, Span<double> dst)
    {
        int w = _w, pw = w + 1;
        for (int y = 0; y < _h; y++)
        {
            int r0 = _r0[y], r1 = _r1[y];
            double ty = _ty[y], sy = 1 - ty;
            var o = dst.Slice(y * w, w);
            for (int x = 0; x < w; x++)
            {
                int c0 = _c0[x], c1 = _c1[x];
                double tx = _tx[x], sx = 1 - tx;
                double top = sx * p[r0 + c0] + tx * p[r0 + c1];
                double bottom = sx * p[r1 + c0] + tx * p[r1 + c1];
                o[x] = sy * top + ty * bottom;
            }
        }
    }
}
