namespace FastRobust.Shifts.Generation.Passes;

/// <summary>
/// OpenCV's distanceTransform(DIST_L2, mask 5), from its definition: the two-pass 5 × 5 chamfer distance to the
/// nearest zero pixel with step costs 1, 1.4 and 2.1969 (horizontal/vertical, diagonal, knight's move) in 16-bit
/// fixed point, nothing outside the image, distances capped at (2³¹ − 1)/4 / 2¹⁶.
/// </summary>
internal static class DistanceTransform
{
    private const int Shift = 16, Border = 2;
    private const uint Init = int.MaxValue, Max = int.MaxValue >> 2;

    [ThreadStatic] private static uint[]? _t;

    /// <summary>A step cost in 16-bit fixed point (1, 1.4 and 2.1969 are the mask's; the GPU kernel takes them from here).</summary>
    internal static uint Cost(float step) => (uint)Math.Round(step * (double)(1 << Shift), MidpointRounding.ToEven);

    public static void Apply(ReadOnlySpan<byte> src, Span<float> dst, int h, int w)
    {
        uint hv = Cost(1f), diag = Cost(1.4f), knight = Cost(2.1969f);
        int step = w + 2 * Border;
        int size = (h + 2 * Border) * step;
        if (_t == null || _t.Length < size) _t = new uint[size];
        var t = _t.AsSpan(0, size);
        t.Fill(Init);
        for (int y = 0; y < h; y++)
        {
            int row = (y + Border) * step + Border;
            for (int x = 0; x < w; x++)
            {
                int i = row + x;
                if (src[y * w + x] == 0)
                {
                    t[i] = 0;
                    continue;
                }
                uint best = t[i - 2 * step - 1] + knight;
                best = Math.Min(best, t[i - 2 * step + 1] + knight);
                best = Math.Min(best, t[i - step - 2] + knight);
                best = Math.Min(best, t[i - step - 1] + diag);
                best = Math.Min(best, t[i - step] + hv);
                best = Math.Min(best, t[i - step + 1] + diag);
                best = Math.Min(best, t[i - step + 2] + knight);
                best = Math.Min(best, t[i - 1] + hv);
                t[i] = best;
            }
        }
        const float scale = 1f / (1 << Shift);
        for (int y = h - 1; y >= 0; y--)
        {
            int row = (y + Border) * step + Border;
            for (int x = w - 1; x >= 0; x--)
            {
                int i = row + x;
                uint best = t[i];
                if (best > hv)
                {
                    best = Math.Min(best, t[i + 2 * step + 1] + knight);
                    best = Math.Min(best, t[i + 2 * step - 1] + knight);
                    best = Math.Min(best, t[i + step + 2] + knight);
                    best = Math.Min(best, t[i + step + 1] + diag);
                    best = Math.Min(best, t[i + step] + hv);
                    best = Math.Min(best, t[i + step - 1] + diag);
                    best = Math.Min(best, t[i + step - 2] + knight);
                    best = Math.Min(best, t[i + 1] + hv);
                    t[i] = best;
                }
                dst[y * w + x] = (float)(Math.Min(best, Max) * scale);
            }
        }
    }
}
