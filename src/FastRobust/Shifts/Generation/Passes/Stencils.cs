using System.Numerics;

namespace FastRobust.Shifts.Generation.Passes;

/// <summary>
/// Small 2-D stencils on one plane, with OpenCV's definitions where make_cifar_c.py calls OpenCV: cv2.filter2D is a
/// correlation (not a convolution) with the anchor at the kernel's centre, and cv2.blur a normalised 3 × 3 box.
/// </summary>
internal static class Stencils
{
    /// <summary>
    /// dst[y, x] = Σ k[i, j] · src[y + i − kh/2, x + j − kw/2] (cv2.filter2D on float data), each sum over i then j
    /// from 0. Where a whole vector of outputs has its window inside the row, they are summed a vector at a time: each
    /// lane does the same multiplies and adds in the same order as the scalar loop, so the doubles are identical.
    /// </summary>
    public static void Correlate(ReadOnlySpan<double> src, Span<double> dst, int h, int w, ReadOnlySpan<double> k, int kh, int kw, BorderMode mode)
    {
        int ay = kh / 2, ax = kw / 2, lanes = Vector<double>.Count;
        Span<int> cols = stackalloc int[kw];
        Span<int> rows = stackalloc int[kh];
        for (int y = 0; y < h; y++)
        {
            for (int i = 0; i < kh; i++) rows[i] = Border.Index(y + i - ay, h, mode) * w;
            int x = 0;
            // vectors of outputs whose windows lie inside the row: x − ax ≥ 0 and x + lanes − 1 − ax + kw ≤ w
            for (x = ax; x + lanes - 1 - ax + kw <= w; x += lanes)
            {
                var acc = Vector<double>.Zero;
                for (int i = 0; i < kh; i++)
                    for (int j = 0; j < kw; j++)
                        acc += new Vector<double>(k[i * kw + j]) * new Vector<double>(src.Slice(rows[i] + x - ax + j, lanes));
                acc.CopyTo(dst.Slice(y * w + x, lanes));
            }
            int vectorEnd = x;
            for (x = 0; x < w; x++)
            {
                if (x >= ax && x < vectorEnd) continue;
                bool inside = x - ax >= 0 && x - ax + kw <= w;
                if (!inside)
                    for (int j = 0; j < kw; j++) cols[j] = Border.Index(x + j - ax, w, mode);
                double acc = 0;
                for (int i = 0; i < kh; i++)
                {
                    int row = rows[i];
                    var krow = k.Slice(i * kw, kw);
                    if (inside)
                    {
                        var s = src.Slice(row + x - ax, kw);
                        for (int j = 0; j < kw; j++) acc += krow[j] * s[j];
                    }
                    else
                        for (int j = 0; j < kw; j++) acc += krow[j] * src[row + cols[j]];
                }
                dst[y * w + x] = acc;
            }
        }
    }

    /// <summary>
    /// cv2.blur(float32, (3, 3)): row sums and column sums of the 3 × 3 window in double (exact for the values it
    /// sees here), times 1/9, rounded to float; borders reflect-101.
    /// </summary>
    public static void Box3Float(ReadOnlySpan<float> src, Span<float> dst, int h, int w)
    {
        const double scale = 1.0 / 9;
        for (int y = 0; y < h; y++)
        for (int x = 0; x < w; x++)
        {
            double sum = 0;
            for (int i = -1; i <= 1; i++)
            {
                int row = Border.Index(y + i, h, BorderMode.Reflect101) * w;
                sum += (double)src[row + Border.Index(x - 1, w, BorderMode.Reflect101)] + src[row + x] + src[row + Border.Index(x + 1, w, BorderMode.Reflect101)];
            }
            dst[y * w + x] = (float)(sum * scale);
        }
    }

    /// <summary>cv2.blur(uint8, (3, 3)): the integer window sum divided by 9, rounded half up (OpenCV's fixed-point divide).</summary>
    public static void Box3Bytes(ReadOnlySpan<byte> src, Span<byte> dst, int h, int w)
    {
        for (int y = 0; y < h; y++)
        for (int x = 0; x < w; x++)
        {
            int sum = 0;
            for (int i = -1; i <= 1; i++)
            {
                int row = Border.Index(y + i, h, BorderMode.Reflect101) * w;
                for (int j = -1; j <= 1; j++) sum += src[row + Border.Index(x + j, w, BorderMode.Reflect101)];
            }
            dst[y * w + x] = (byte)((sum + 4) / 9);
        }
    }

    /// <summary>cv2.filter2D(uint8, CV_8U, integer 3 × 3 kernel): the exact integer correlation clamped to [0, 255].</summary>
    public static void Correlate3Bytes(ReadOnlySpan<byte> src, Span<byte> dst, int h, int w, ReadOnlySpan<int> k)
    {
        for (int y = 0; y < h; y++)
        for (int x = 0; x < w; x++)
        {
            int sum = 0;
            for (int i = 0; i < 3; i++)
            {
                int row = Border.Index(y + i - 1, h, BorderMode.Reflect101) * w;
                for (int j = 0; j < 3; j++) sum += k[i * 3 + j] * src[row + Border.Index(x + j - 1, w, BorderMode.Reflect101)];
            }
            dst[y * w + x] = (byte)Math.Clamp(sum, 0, 255);
        }
    }
}
