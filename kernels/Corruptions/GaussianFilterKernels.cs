using ILGPU;

namespace FastRobust.Kernels;

/// <summary>
/// The host's separable Gaussian filter (src/FastRobust/Shifts/Generation/Passes/GaussianFilter.cs, scipy's gaussian_filter,
/// edges repeated) over every plane of a batch of 8-bit images: a row pass (along axis 0, the host's first) from
/// bytes to doubles, then a column pass from doubles to bytes, one output value per thread. Each sum is the host's
/// in the host's order (centre tap, then the symmetric pairs from the outermost in, (a + b)·k), products rounded on
/// their own (<see cref="Rounded.Mul(double, double)"/>), so the doubles and the bytes are the host's exactly. Used by
/// gaussian_blur and, twice, by glass_blur.
/// </summary>
[HostBytes]
public static class GaussianFilterKernels
{
    /// <summary>
    /// dst[q, y, x] = Σ k · src[q, y ± j, x] / 255 over planes of h × w bytes; k is the host's 2r + 1 taps
    /// (GaussianFilter.Kernel). Rows outside the plane read the edge row (BorderMode.Nearest).
    /// </summary>
    [Kernel]
    public static void Rows(ArrayView<byte> src, ArrayView<double> dst, ArrayView<double> k, int total, int h, int w, int r)
    {
        int plane = h * w;
        for (int idx = Stride.Start; idx < total; idx += Stride.Step)
        {
            int q = idx / plane, i = idx - q * plane, y = i / w;
            int column = q * plane + (i - y * w); // (q, 0, x): add row · w
            double acc = Rounded.Mul(src[column + y * w] / 255.0, k[r]);
            for (int j = r; j >= 1; j--)
            {
                int above = y - j < 0 ? 0 : y - j, below = y + j > h - 1 ? h - 1 : y + j;
                acc += Rounded.Mul(src[column + above * w] / 255.0 + src[column + below * w] / 255.0, k[r - j]);
            }
            dst[idx] = acc;
        }
    }

    /// <summary>
    /// dst[q, y, x] = Corruption.Out(Σ k · src[q, y, x ± j]) truncated to 8 bits; columns outside the plane read the
    /// edge column (BorderMode.Nearest). glass_blur's intermediate (byte)min(v·255, 255) is the same byte for the
    /// v ≥ 0 a blur of non-negative values gives, so both of its blurs end here too.
    /// </summary>
    [Kernel]
    public static void Columns(ArrayView<double> src, ArrayView<byte> dst, ArrayView<double> k, int total, int w, int r)
    {
        for (int idx = Stride.Start; idx < total; idx += Stride.Step)
        {
            int x = idx % w, row = idx - x;
            double acc = Rounded.Mul(src[idx], k[r]);
            for (int j = r; j >= 1; j--)
            {
                int left = x - j < 0 ? 0 : x - j, right = x + j > w - 1 ? w - 1 : x + j;
                acc += Rounded.Mul(src[row + left] + src[row + right], k[r - j]);
            }
            dst[idx] = CorruptionMath.Out(acc);
        }
    }
}
