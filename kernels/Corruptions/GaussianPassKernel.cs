using ILGPU;

namespace FastRobust.Kernels;

/// <summary>
/// One axis of src/FastRobust/Shifts/Generation/Passes/GaussianFilter.cs (scipy.ndimage.gaussian_filter; border a BorderIndex mode) over
/// whole planes, one thread per output value: the centre tap, then the symmetric pairs from the outermost in, in double
/// as the host sums them, each product rounded on its own (Rounded.Mul), so the result is the host's to the bit. The taps are the host's (GaussianFilter.Kernel),
/// uploaded by the launcher. vertical = 1 is the host's Rows (axis 0), 0 its Columns (axis 1); float32 = 1 rounds
/// each output to float as the host does for a float32 image.
/// </summary>
[HostBytes]
public static class GaussianPassKernel
{
    [Kernel]
    public static void Pass(ArrayView<double> src, ArrayView<double> dst, ArrayView<double> taps, int r, int total, int h, int w,
        int vertical, int float32, int border)
    {
        int plane = h * w;
        for (int idx = Stride.Start; idx < total; idx += Stride.Step)
        {
            int img = idx / plane, i = idx - img * plane, y = i / w, x = i - y * w;
            long b = (long)img * plane;
            double acc = Rounded.Mul(src[idx], taps[r]);
            for (int j = r; j >= 1; j--)
            {
                double pair = vertical != 0
                    ? src[b + BorderIndex.Of(y - j, h, border) * w + x] + src[b + BorderIndex.Of(y + j, h, border) * w + x]
                    : src[b + y * w + BorderIndex.Of(x - j, w, border)] + src[b + y * w + BorderIndex.Of(x + j, w, border)];
                acc += Rounded.Mul(pair, taps[r - j]);
            }
            dst[idx] = float32 != 0 ? (float)acc : acc;
        }
    }
}
