namespace FastRobust.Shifts.Generation.Passes;

/// <summary>
/// OpenCV's Canny edge detector (aperture 3, L1 gradient), from its definition, for make_cifar_c.py's water spatter:
/// 3 × 3 Sobel derivatives with replicated borders; magnitude |dx| + |dy|; a pixel above <c>low</c> survives
/// non-maximum suppression against its two neighbours across the edge (the direction binned at tan 22.5° in 15-bit
/// fixed point, ties broken as OpenCV breaks them, zero magnitude outside the image); survivors above <c>high</c>
/// are edges, and hysteresis adds every survivor 8-connected to an edge. Output 255 on edges, 0 elsewhere.
/// </summary>
internal static class Canny
{
    /// <summary>Per-thread buffers, so a batch allocates nothing per image.</summary>
    private static class Scratch
    {
        [ThreadStatic] private static int[][]? _ints;
        [ThreadStatic] private static byte[]? _map;
        [ThreadStatic] private static Stack<int>? _stack;

        public static Span<int> Ints(int slot, int n)
        {
            _ints ??= new int[3][];
            if (_ints[slot] == null || _ints[slot].Length < n) _ints[slot] = new int[n];
            return _ints[slot].AsSpan(0, n);
        }

        public static Span<byte> Map(int n)
        {
            if (_map == null || _map.Length < n) _map = new byte[n];
            return _map.AsSpan(0, n);
        }

        public static Stack<int> Stack => _stack ??= new Stack<int>();
    }

    private const int Tg22 = 13573; // (int)(tan 22.5° · 2^15 + 0.5)

    public static void Apply(ReadOnlySpan<byte> src, Span<byte> dst, int h, int w, int low, int high)
    {
        int n = h * w;
        var dx = Scratch.Ints(0, n);
        var dy = Scratch.Ints(1, n);
        var mag = Scratch.Ints(2, (h + 2) * (w + 2)); // zero frame
        mag.Clear();
        for (int y = 0; y < h; y++)
        {
            int ym = Math.Max(y - 1, 0) * w, y0 = y * w, yp = Math.Min(y + 1, h - 1) * w;
            for (int x = 0; x < w; x++)
            {
                int xm = Math.Max(x - 1, 0), xp = Math.Min(x + 1, w - 1);
                int gx = (src[ym + xp] - src[ym + xm]) + 2 * (src[y0 + xp] - src[y0 + xm]) + (src[yp + xp] - src[yp + xm]);
                int gy = (src[yp + xm] - src[ym + xm]) + 2 * (src[yp + x] - src[ym + x]) + (src[yp + xp] - src[ym + xp]);
                dx[y0 + x] = gx;
                dy[y0 + x] = gy;
                mag[(y + 1) * (w + 2) + x + 1] = Math.Abs(gx) + Math.Abs(gy);
            }
        }
        // 0: candidate (weak), 1: not an edge, 2: edge
        var map = Scratch.Map(n);
        var stack = Scratch.Stack;
        stack.Clear();
        int mw = w + 2;
        for (int y = 0; y < h; y++)
        for (int x = 0; x < w; x++)
        {
            int i = y * w + x, mi = (y + 1) * mw + x + 1;
            int m = mag[mi];
            map[i] = 1;
            if (m <= low) continue;
            int xs = dx[i], ys = dy[i];
            long ax = Math.Abs(xs), ay = (long)Math.Abs(ys) << 15;
            long tg22x = ax * Tg22;
            bool keep;
            if (ay < tg22x) keep = m > mag[mi - 1] && m >= mag[mi + 1];
            else
            {
                long tg67x = tg22x + (ax << 16);
                if (ay > tg67x) keep = m > mag[mi - mw] && m >= mag[mi + mw];
                else
                {
                    int s = (xs ^ ys) < 0 ? -1 : 1;
                    keep = m > mag[mi - mw - s] && m > mag[mi + mw + s];
                }
            }
            if (!keep) continue;
            if (m > high)
            {
                map[i] = 2;
                stack.Push(i);
            }
            else map[i] = 0;
        }
        while (stack.Count > 0)
        {
            int i = stack.Pop();
            int y = i / w, x = i - y * w;
            for (int oy = -1; oy <= 1; oy++)
            for (int ox = -1; ox <= 1; ox++)
            {
                int ny = y + oy, nx = x + ox;
                if ((uint)ny >= (uint)h || (uint)nx >= (uint)w) continue;
                int j = ny * w + nx;
                if (map[j] == 0)
                {
                    map[j] = 2;
                    stack.Push(j);
                }
            }
        }
        for (int i = 0; i < n; i++) dst[i] = map[i] == 2 ? (byte)255 : (byte)0;
    }
}
