namespace FastRobust.Shifts.Passes;

/// <summary>
/// make_cifar_c.py's clipped_zoom: crop the centre ⌈n/z⌉ pixels of each axis, scale the crop by z with
/// scipy.ndimage.zoom(order=1) — output size round(crop·z), output index o sampling input coordinate
/// o·(crop − 1)/(out − 1) bilinearly — then cut the centre n pixels back out. The sampling positions depend only on
/// the image size and z, so they are computed once per plan; applying one is a 4-tap gather per pixel.
/// </summary>
internal sealed class ClippedZoom
{
    private readonly int[] _y0, _x0;
    private readonly double[] _ty, _tx;
    private readonly bool[] _yLast, _xLast;
    private readonly int _h, _w;

    public ClippedZoom(int h, int w, double zoom)
    {
        _h = h;
        _w = w;
        Zoom = zoom;
        (_y0, _ty, _yLast) = Axis(h, zoom);
        (_x0, _tx, _xLast) = Axis(w, zoom);
    }

    public double Zoom { get; }

    /// <summary>Source index and weight of the upper neighbour for each kept output index along one axis.</summary>
    private static (int[] Index, double[] T, bool[] Last) Axis(int n, double zoom)
    {
        int crop = (int)Math.Ceiling(n / zoom);
        int top = (n - crop) / 2;
        int outSize = (int)Math.Round(crop * zoom, MidpointRounding.ToEven);
        int trim = (outSize - n) / 2;
        if (trim < 0 || outSize < n) throw new ArgumentException($"zoom {zoom} on {n} pixels leaves fewer than {n}");
        double step = outSize > 1 ? (crop - 1) / (double)(outSize - 1) : 1.0;
        var index = new int[n];
        var t = new double[n];
        var last = new bool[n];
        for (int i = 0; i < n; i++)
        {
            double c = (i + trim) * step;
            int i0 = (int)Math.Floor(c);
            index[i] = top + i0;
            t[i] = c - i0;
            // scipy sees only the crop: a neighbour past its end reads the constant 0
            last[i] = i0 + 1 >= crop;
        }
        return (index, t, last);
    }

    /// <summary>dst = clipped_zoom(src) for one h × w plane.</summary>
    public void Apply(ReadOnlySpan<double> src, Span<double> dst)
    {
        int w = _w;
        for (int y = 0; y < _h; y++)
        {
            int r0 = _y0[y] * w, r1 = _yLast[y] ? -1 : r0 + w;
            double ty = _ty[y], sy = 1 - ty;
            for (int x = 0; x < w; x++)
            {
                int c0 = _x0[x];
                double tx = _tx[x], sx = 1 - tx;
                bool xl = _xLast[x];
                double top = sx * src[r0 + c0] + (xl ? 0 : tx * src[r0 + c0 + 1]);
                double bottom = r1 < 0 ? 0 : sx * src[r1 + c0] + (xl ? 0 : tx * src[r1 + c0 + 1]);
                dst[y * w + x] = sy * top + ty * bottom;
            }
        }
    }
}
