namespace FastRobust.Shifts.Generation.Passes;

/// <summary>
/// OpenCV's equalizeHist: level i maps to round(255 · (pixels above the lowest level, up to i) / (pixels above the
/// lowest level)) in float, the lowest level to 0; a one-level image keeps its level.
/// </summary>
internal static class HistogramEqualize
{
    public static void Apply(ReadOnlySpan<byte> src, Span<byte> dst)
    {
        Span<int> hist = stackalloc int[256];
        hist.Clear();
        foreach (byte b in src) hist[b]++;
        int i = 0;
        while (hist[i] == 0) i++;
        int total = src.Length;
        if (hist[i] == total)
        {
            dst[..total].Fill((byte)i);
            return;
        }
        Span<byte> lut = stackalloc byte[256];
        lut.Clear();
        float scale = 255f / (total - hist[i]);
        int sum = 0;
        lut[i++] = 0;
        for (; i < 256; i++)
        {
            sum += hist[i];
            float v = sum * scale;
            lut[i] = (byte)Math.Clamp((int)MathF.Round(v, MidpointRounding.ToEven), 0, 255);
        }
        for (int k = 0; k < total; k++) dst[k] = lut[src[k]];
    }
}
