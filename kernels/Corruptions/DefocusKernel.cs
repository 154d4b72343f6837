using ILGPU;

namespace FastRobust.Kernels;

/// <summary>
/// Defocus blur (src/FastRobust/Shifts/Generation/BlurCorruptions.cs): Stencils.Correlate (cv2.filter2D, reflect-101 edges)
/// with the host's size × size disk kernel over every plane of a batch, one output value per thread. The sum is the
/// host's, rows then columns of the kernel from 0, products unfused (<see cref="Rounded.Mul(double, double)"/>): exact.
/// </summary>
[HostBytes]
public static class DefocusKernel
{
    [Kernel]
    public static void Correlate(ArrayView<byte> src, ArrayView<byte> dst, ArrayView<double> k, int total, int h, int w, int size)
    {
        int plane = h * w, anchor = size / 2;
        for (int idx = Stride.Start; idx < total; idx += Stride.Step)
        {
            int q = idx / plane, i = idx - q * plane, y = i / w, x = i - y * w;
            int b = q * plane;
            double acc = 0;
            for (int ki = 0; ki < size; ki++)
            {
                int row = b + BorderIndex.OfReflect101(y + ki - anchor, h) * w;
                for (int kj = 0; kj < size; kj++)
                    acc += Rounded.Mul(k[ki * size + kj], src[row + BorderIndex.OfReflect101(x + kj - anchor, w)] / 255.0);
            }
            dst[idx] = CorruptionMath.Out(acc);
        }
    }

}
