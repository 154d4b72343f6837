using ILGPU;

namespace FastRobust.Kernels;

/// <summary>
/// src/FastRobust/Shifts/Generation/Passes/Canny.cs (OpenCV's Canny, aperture 3, L1 gradient) over a batch of 8-bit planes:
/// <see cref="Gradients"/> and <see cref="Suppress"/> one thread per pixel, <see cref="Hysteresis"/> one thread per
/// plane (a flood fill, inherently sequential; its result does not depend on the order, so it is the host's). All
/// integer arithmetic in the host's order: exact.
/// </summary>
[HostBytes]
public static class CannyKernels
{
    private const int Tg22 = 13573; // (int)(tan 22.5° · 2^15 + 0.5), as Canny.Tg22

    /// <summary>3 × 3 Sobel derivatives with replicated borders and the L1 magnitude.</summary>
    [Kernel]
    public static void Gradients(ArrayView<byte> src, ArrayView<int> dx, ArrayView<int> dy, ArrayView<int> mag, int total, int h, int w)
    {
        int plane = h * w;
        for (int idx = Stride.Start; idx < total; idx += Stride.Step)
        {
            int img = idx / plane, i = idx - img * plane, y = i / w, x = i - y * w;
            long b = (long)img * plane;
            long ym = b + (y > 0 ? y - 1 : 0) * w, y0 = b + y * w, yp = b + (y < h - 1 ? y + 1 : h - 1) * w;
            int xm = x > 0 ? x - 1 : 0, xp = x < w - 1 ? x + 1 : w - 1;
            int gx = (src[ym + xp] - src[ym + xm]) + 2 * (src[y0 + xp] - src[y0 + xm]) + (src[yp + xp] - src[yp + xm]);
            int gy = (src[yp + xm] - src[ym + xm]) + 2 * (src[yp + x] - src[ym + x]) + (src[yp + xp] - src[ym + xp]);
            dx[idx] = gx;
            dy[idx] = gy;
            mag[idx] = (gx < 0 ? -gx : gx) + (gy < 0 ? -gy : gy);
        }
    }

    /// <summary>
    /// Non-maximum suppression and the two thresholds: map 1 (not an edge), 0 (a candidate above low), 2 (an edge
    /// above high); the magnitude outside the plane is 0, as the host's zero frame.
    /// </summary>
    [Kernel]
    public static void Suppress(ArrayView<int> dx, ArrayView<int> dy, ArrayView<int> mag, ArrayView<byte> map, int total, int h, int w, int low, int high)
    {
        int plane = h * w;
        for (int idx = Stride.Start; idx < total; idx += Stride.Step)
        {
            int img = idx / plane, i = idx - img * plane, y = i / w, x = i - y * w;
            long b = (long)img * plane;
            int m = mag[idx];
            byte result = 1;
            if (m > low)
            {
                int xs = dx[idx], ys = dy[idx];
                long ax = xs < 0 ? -xs : xs, ay = (long)(ys < 0 ? -ys : ys) << 15;
                long tg22x = ax * Tg22;
                bool keep;
                if (ay < tg22x) keep = m > Mag(mag, b, h, w, x - 1, y) && m >= Mag(mag, b, h, w, x + 1, y);
                else
                {
                    long tg67x = tg22x + (ax << 16);
                    if (ay > tg67x) keep = m > Mag(mag, b, h, w, x, y - 1) && m >= Mag(mag, b, h, w, x, y + 1);
                    else
                    {
                        int s = (xs ^ ys) < 0 ? -1 : 1;
                        keep = m > Mag(mag, b, h, w, x - s, y - 1) && m > Mag(mag, b, h, w, x + s, y + 1);
                    }
                }
                if (keep) result = m > high ? (byte)2 : (byte)0;
            }
            map[idx] = result;
        }
    }

    private static int Mag(ArrayView<int> mag, long b, int h, int w, int x, int y) =>
        (uint)x < (uint)w && (uint)y < (uint)h ? mag[b + y * w + x] : 0;

    /// <summary>
    /// Every candidate 8-connected to an edge becomes an edge (map 2): a depth-first fill from the edges, one thread per
    /// plane. <paramref name="stack"/>: one int per pixel (each pixel is pushed at most once).
    /// </summary>
    [Kernel]
    public static void Hysteresis(ArrayView<byte> map, ArrayView<int> stack, int planes, int h, int w)
    {
        int plane = h * w;
        for (int img = Stride.Start; img < planes; img += Stride.Step)
        {
            long b = (long)img * plane;
            int top = 0;
            for (int i = 0; i < plane; i++)
                if (map[b + i] == 2) stack[b + top++] = i;
            while (top > 0)
            {
                int i = stack[b + --top];
                int y = i / w, x = i - y * w;
                for (int oy = -1; oy <= 1; oy++)
                    for (int ox = -1; ox <= 1; ox++)
                    {
                        int ny = y + oy, nx = x + ox;
                        if ((uint)ny >= (uint)h || (uint)nx >= (uint)w) continue;
                        int j = ny * w + nx;
                        if (map[b + j] == 0)
                        {
                            map[b + j] = 2;
                            stack[b + top++] = j;
                        }
                    }
            }
        }
    }
}
