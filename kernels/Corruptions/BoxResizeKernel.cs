using ILGPU;

namespace FastRobust.Kernels;

/// <summary>
/// One pass of Pillow's box resize (src/FastRobust/Shifts/Generation/Passes/PilBoxResize.cs) over every plane of a batch, one
/// output byte per thread: along x (in h × inW → h × outW) or along y (inH × w → outH × w), output o summing
/// count[o] input bytes from start[o] with the host's fixed-point integer weights. Integer arithmetic: exact.
/// Pixelate runs four of them (down along x then y, up along x then y), with an 8-bit result between each, as Pillow does.
/// </summary>
[HostBytes]
public static class BoxResizeKernel
{
    [Kernel]
    public static void Pass(ArrayView<byte> src, ArrayView<byte> dst, ArrayView<int> start, ArrayView<int> count, ArrayView<int> weights,
        int total, int inH, int inW, int outH, int outW, int kSize, int horizontal, int precisionBits)
    {
        int outPlane = outH * outW, inPlane = inH * inW;
        for (int idx = Stride.Start; idx < total; idx += Stride.Step)
        {
            int q = idx / outPlane, i = idx - q * outPlane, y = i / outW, x = i - y * outW;
            int o = horizontal != 0 ? x : y;
            // tap t of output o reads (y, start + t) along x, (start + t, x) along y
            int first = q * inPlane + (horizontal != 0 ? y * inW + start[o] : start[o] * inW + x), step = horizontal != 0 ? 1 : inW;
            int acc = 1 << (precisionBits - 1);
            int n = count[o];
            for (int t = 0; t < n; t++) acc += src[first + t * step] * weights[o * kSize + t];
            int v = acc >> precisionBits;
            dst[idx] = (byte)(v < 0 ? 0 : v > 255 ? 255 : v);
        }
    }
}
