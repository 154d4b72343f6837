using ILGPU;

namespace FastRobust.Kernels;

/// <summary>
/// Spatter (src/FastRobust/Shifts/Generation/WeatherCorruptions.cs Spatter) over a whole batch: the per-pixel and per-value steps
/// here, the shared passes in GaussianPassKernel, CannyKernels, DistanceTransformKernel and HistogramEqualizeKernel.
/// Every step is the host's arithmetic in the host's types and order (double where the host is double, float where it
/// is float, every product that meets a sum rounded on its own: Rounded.Mul), so the bytes are the host's; the only inexact ingredient is the layer's normals (KMath's log/sin/cos
/// against .NET's, which agree after rounding to float but for about one value in 10⁸).
/// Per-pixel buffers hold one plane per image (the liquid layer is shared by the channels).
/// </summary>
[HostBytes]
public static class SpatterKernels
{
    /// <summary>
    /// The threshold of the blurred layer (values below it become 0), then water's 8-bit level (the host saturates at
    /// 255) or mud's 0/1 mask (above the threshold).
    /// </summary>
    [Kernel]
    public static void Threshold(ArrayView<double> liquid, ArrayView<byte> level, ArrayView<double> mask, int total, double threshold, int mud)
    {
        for (int idx = Stride.Start; idx < total; idx += Stride.Step)
        {
            double v = liquid[idx];
            if (v < threshold) v = 0;
            if (mud != 0) mask[idx] = v > threshold ? 1 : 0;
            else
            {
                double s = v * 255;
                level[idx] = (byte)(int)(s < 255 ? s : 255);
            }
        }
    }

    /// <summary>Mud: x·(1 − m) + colour·m in float, m the float32-blurred mask, zero below 0.8; one thread per value.</summary>
    [Kernel]
    public static void Mud(ArrayView<byte> src, ArrayView<byte> dst, ArrayView<double> m, int total, int channels, int plane, float c0, float c1, float c2)
    {
        for (int idx = Stride.Start; idx < total; idx += Stride.Step)
        {
            int img = idx / (channels * plane), rest = idx - img * channels * plane, ch = rest / plane, i = rest - ch * plane;
            double mv = m[(long)img * plane + i];
            float mi = mv < 0.8 ? 0f : (float)mv;
            float x = src[idx] / 255f;
            float colour = ch == 0 ? c0 : ch == 1 ? c1 : c2;
            dst[idx] = CorruptionMath.Out32(Rounded.Mul(x, 1 - mi) + Rounded.Mul(colour, mi));
        }
    }

    /// <summary>
    /// Water: cv2.blur(float32) of the capped distances (Stencils.Box3Float: window sums in double, × 1/9, to float;
    /// reflect-101 borders) truncated to 8 bits; one thread per pixel.
    /// </summary>
    [Kernel]
    public static void BoxDistances(ArrayView<float> dist, ArrayView<byte> dst, int total, int h, int w)
    {
        const double scale = 1.0 / 9;
        int plane = h * w;
        for (int idx = Stride.Start; idx < total; idx += Stride.Step)
        {
            int img = idx / plane, i = idx - img * plane, y = i / w, x = i - y * w;
            long b = (long)img * plane;
            int xm = BorderIndex.OfReflect101(x - 1, w), xp = BorderIndex.OfReflect101(x + 1, w);
            double sum = 0;
            for (int k = -1; k <= 1; k++)
            {
                long row = b + BorderIndex.OfReflect101(y + k, h) * w;
                sum += (double)dist[row + xm] + dist[row + x] + dist[row + xp];
            }
            dst[idx] = (byte)(float)(sum * scale);
        }
    }

    /// <summary>
    /// Water: the emboss (cv2.filter2D, uint8, Stencils.Correlate3Bytes, reflect-101) of the equalised plane, reading
    /// it through its lookup table; one thread per pixel. <paramref name="emboss"/>: the host's 3 × 3 kernel.
    /// </summary>
    [Kernel]
    public static void Emboss(ArrayView<byte> src, ArrayView<byte> lut, ArrayView<int> emboss, ArrayView<byte> dst, int total, int h, int w)
    {
        int plane = h * w;
        for (int idx = Stride.Start; idx < total; idx += Stride.Step)
        {
            int img = idx / plane, i = idx - img * plane, y = i / w, x = i - y * w;
            long b = (long)img * plane, lb = img * 256L;
            int sum = 0;
            for (int k = 0; k < 3; k++)
            {
                long row = b + BorderIndex.OfReflect101(y + k - 1, h) * w;
                for (int j = 0; j < 3; j++) sum += emboss[k * 3 + j] * lut[lb + src[row + BorderIndex.OfReflect101(x + j - 1, w)]];
            }
            dst[idx] = (byte)(sum < 0 ? 0 : sum > 255 ? 255 : sum);
        }
    }

    /// <summary>Water: cv2.blur(uint8) (Stencils.Box3Bytes: (window sum + 4) / 9, reflect-101); one thread per pixel.</summary>
    [Kernel]
    public static void BoxBytes(ArrayView<byte> src, ArrayView<byte> dst, int total, int h, int w)
    {
        int plane = h * w;
        for (int idx = Stride.Start; idx < total; idx += Stride.Step)
        {
            int img = idx / plane, i = idx - img * plane, y = i / w, x = i - y * w;
            long b = (long)img * plane;
            int sum = 0;
            for (int k = -1; k <= 1; k++)
            {
                long row = b + BorderIndex.OfReflect101(y + k, h) * w;
                for (int j = -1; j <= 1; j++) sum += src[row + BorderIndex.OfReflect101(x + j, w)];
            }
            dst[idx] = (byte)((sum + 4) / 9);
        }
    }

    /// <summary>Water: the largest drop level · blurred emboss (float) of each plane; one thread per plane.</summary>
    [Kernel]
    public static void MaxDrop(ArrayView<byte> level, ArrayView<byte> smooth, ArrayView<float> max, int planes, int plane)
    {
        for (int img = Stride.Start; img < planes; img += Stride.Step)
        {
            long b = (long)img * plane;
            float best = 0;
            for (int i = 0; i < plane; i++)
            {
                float m = (float)level[b + i] * smooth[b + i];
                if (m > best) best = m;
            }
            max[img] = best;
        }
    }

    /// <summary>Water: x + drop · colour in float, drop = m / max · intensity; one thread per value.</summary>
    [Kernel]
    public static void Water(ArrayView<byte> src, ArrayView<byte> dst, ArrayView<byte> level, ArrayView<byte> smooth, ArrayView<float> max,
        int total, int channels, int plane, float intensity, float c0, float c1, float c2)
    {
        for (int idx = Stride.Start; idx < total; idx += Stride.Step)
        {
            int img = idx / (channels * plane), rest = idx - img * channels * plane, ch = rest / plane, i = rest - ch * plane;
            long p = (long)img * plane + i;
            float m = (float)level[p] * smooth[p], top = max[img];
            float drop = top > 0 ? m / top * intensity : 0f;
            float colour = ch == 0 ? c0 : ch == 1 ? c1 : c2;
            dst[idx] = CorruptionMath.Out32(src[idx] / 255f + Rounded.Mul(drop, colour));
        }
    }

}
