using ILGPU;

namespace FastRobust.Kernels;

/// <summary>
/// The lookup table of src/FastRobust/Shifts/Generation/Passes/HistogramEqualize.cs (OpenCV's equalizeHist), one thread per
/// plane (a histogram and its running sum). The table is applied by whoever reads the plane next. The float
/// arithmetic is the host's (int · float, round half to even), so the table is the host's.
/// </summary>
[HostBytes]
public static class HistogramEqualizeKernel
{
    /// <summary><paramref name="hist"/> and <paramref name="lut"/>: 256 values per plane.</summary>
    [Kernel]
    public static void Table(ArrayView<byte> src, ArrayView<int> hist, ArrayView<byte> lut, int planes, int plane)
    {
        for (int img = Stride.Start; img < planes; img += Stride.Step)
        {
            long b = (long)img * plane, hb = img * 256L;
            for (int k = 0; k < 256; k++)
            {
                hist[hb + k] = 0;
                lut[hb + k] = 0;
            }
            for (int k = 0; k < plane; k++) hist[hb + src[b + k]]++;
            int i = 0;
            while (hist[hb + i] == 0) i++;
            if (hist[hb + i] == plane)
            {
                // a one-level plane keeps its level (the only entry read)
                lut[hb + i] = (byte)i;
                continue;
            }
            float scale = 255f / (plane - hist[hb + i]);
            int sum = 0;
            lut[hb + i++] = 0;
            for (; i < 256; i++)
            {
                sum += hist[hb + i];
                float v = sum * scale;
                int r = RoundEven(v);
                lut[hb + i] = (byte)(r < 0 ? 0 : r > 255 ? 255 : r);
            }
        }
    }

    /// <summary>MathF.Round(v, MidpointRounding.ToEven) as an int, in plain arithmetic (exact: v is a float, held in a double).</summary>
    private static int RoundEven(float v)
    {
        double d = v, f = System.Math.Floor(d), frac = d - f;
        long fl = (long)f;
        return (int)(frac > 0.5 ? fl + 1 : frac < 0.5 ? fl : (fl & 1) == 0 ? fl : fl + 1);
    }
}
