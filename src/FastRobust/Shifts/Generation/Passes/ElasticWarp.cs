namespace FastRobust.Shifts.Generation.Passes;

/// <summary>
/// The two resamplings of make_cifar_c.py's elastic transform. <see cref="AffineFromPoints"/> and
/// <see cref="WarpAffine"/> follow OpenCV (getAffineTransform; warpAffine with INTER_LINEAR, which inverts the
/// matrix, rounds each source coordinate to 1/32 pixel and reads outside pixels reflect-101).
/// <see cref="MapCoordinates"/> follows scipy.ndimage.map_coordinates(order=1, mode='reflect'): bilinear at
/// arbitrary positions, neighbours outside the image mirrored with the edge pixel repeated.
/// </summary>
internal static class ElasticWarp
{
    /// <summary>The 2 × 3 matrix taking the three (x, y) points <paramref name="from"/> to <paramref name="to"/>.</summary>
    public static double[] AffineFromPoints(ReadOnlySpan<double> from, ReadOnlySpan<double> to)
    {
        // rows: [x y 1 0 0 0 | x'] and [0 0 0 x y 1 | y'] for each point, solved by elimination with partial pivoting
        var a = new double[6, 7];
        for (int i = 0; i < 3; i++)
        {
            double x = from[2 * i], y = from[2 * i + 1];
            a[2 * i, 0] = x; a[2 * i, 1] = y; a[2 * i, 2] = 1; a[2 * i, 6] = to[2 * i];
            a[2 * i + 1, 3] = x; a[2 * i + 1, 4] = y; a[2 * i + 1, 5] = 1; a[2 * i + 1, 6] = to[2 * i + 1];
        }
        for (int col = 0; col < 6; col++)
        {
            int pivot = col;
            for (int r = col + 1; r < 6; r++)
                if (Math.Abs(a[r, col]) > Math.Abs(a[pivot, col])) pivot = r;
            if (Math.Abs(a[pivot, col]) < 1e-300) throw new ArgumentException("the three points are collinear");
            if (pivot != col)
                for (int c = 0; c < 7; c++) (a[col, c], a[pivot, c]) = (a[pivot, c], a[col, c]);
            for (int r = 0; r < 6; r++)
            {
                if (r == col || a[r, col] == 0) continue;
                double f = a[r, col] / a[col, col];
                for (int c = col; c < 7; c++) a[r, c] -= f * a[col, c];
            }
        }
        var m = new double[6];
        for (int i = 0; i < 6; i++) m[i] = a[i, 6] / a[i, i];
        return m;
    }

    /// <summary>dst(x, y) = src(M⁻¹(x, y)) for one plane, OpenCV's fixed-point coordinates and float weights.</summary>
    public static void WarpAffine(ReadOnlySpan<double> src, Span<double> dst, int h, int w, ReadOnlySpan<double> m)
    {
        Span<double> inv = stackalloc double[6];
        Invert(m, inv);
        double i0 = inv[0], i1 = inv[1], i2 = inv[2], i3 = inv[3], i4 = inv[4], i5 = inv[5];
        const int abBits = 10, interBits = 5, tab = 1 << interBits;
        const double abScale = 1 << abBits;
        const int roundDelta = (1 << abBits) / tab / 2;
        for (int y = 0; y < h; y++)
        {
            int x0 = Round((i1 * y + i2) * abScale) + roundDelta;
            int y0 = Round((i4 * y + i5) * abScale) + roundDelta;
            for (int x = 0; x < w; x++)
            {
                int fxq = (x0 + Round(i0 * x * abScale)) >> (abBits - interBits);
                int fyq = (y0 + Round(i3 * x * abScale)) >> (abBits - interBits);
                int sx = fxq >> interBits, sy = fyq >> interBits;
                float fx = (fxq & (tab - 1)) * (1f / tab), fy = (fyq & (tab - 1)) * (1f / tab);
                float w00 = (1f - fy) * (1f - fx), w01 = (1f - fy) * fx, w10 = fy * (1f - fx), w11 = fy * fx;
                int c0 = Border.Index(sx, w, BorderMode.Reflect101), c1 = Border.Index(sx + 1, w, BorderMode.Reflect101);
                int r0 = Border.Index(sy, h, BorderMode.Reflect101) * w, r1 = Border.Index(sy + 1, h, BorderMode.Reflect101) * w;
                // OpenCV sums a float32 image in float32
                dst[y * w + x] = (float)src[r0 + c0] * w00 + (float)src[r0 + c1] * w01 + (float)src[r1 + c0] * w10 + (float)src[r1 + c1] * w11;
            }
        }
    }

    /// <summary>OpenCV's inverse of the 2 × 3 matrix <paramref name="m"/> (invertAffineTransform, a singular one to zeros).</summary>
    public static void Invert(ReadOnlySpan<double> m, Span<double> inv)
    {
        double d = m[0] * m[4] - m[1] * m[3];
        d = d != 0 ? 1.0 / d : 0;
        double i0 = m[4] * d, i1 = m[1] * -d, i3 = m[3] * -d, i4 = m[0] * d;
        inv[0] = i0; inv[1] = i1; inv[3] = i3; inv[4] = i4;
        inv[2] = -i0 * m[2] - i1 * m[5];
        inv[5] = -i3 * m[2] - i4 * m[5];
    }

    /// <summary>dst[y, x] = src at (y + dy[y, x], x + dx[y, x]), bilinear, scipy 'reflect' outside.</summary>
    public static void MapCoordinates(ReadOnlySpan<double> src, Span<double> dst, int h, int w, ReadOnlySpan<double> dy, ReadOnlySpan<double> dx)
    {
        for (int y = 0; y < h; y++)
        for (int x = 0; x < w; x++)
        {
            double cy = y + dy[y * w + x], cx = x + dx[y * w + x];
            double fy0 = Math.Floor(cy), fx0 = Math.Floor(cx);
            double ty = cy - fy0, tx = cx - fx0;
            int ya = (int)fy0, xa = (int)fx0;
            int r0 = Border.Index(ya, h, BorderMode.Reflect) * w, r1 = Border.Index(ya + 1, h, BorderMode.Reflect) * w;
            int c0 = Border.Index(xa, w, BorderMode.Reflect), c1 = Border.Index(xa + 1, w, BorderMode.Reflect);
            dst[y * w + x] = (1 - ty) * ((1 - tx) * src[r0 + c0] + tx * src[r0 + c1]) + ty * ((1 - tx) * src[r1 + c0] + tx * src[r1 + c1]);
        }
    }

    /// <summary>OpenCV's saturate_cast&lt;int&gt;(double): round half to even.</summary>
    private static int Round(double v) => (int)Math.Round(v, MidpointRounding.ToEven);
}
