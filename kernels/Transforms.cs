using FastRobust.Random;
using ILGPU;

namespace FastRobust.Kernels;

/// <summary>Data augmentation on the device: one thread per output pixel, the image's shifts and flip from Philox(seed, stream, offset + image).</summary>
public static class Transforms
{
    [Kernel]
    public static void RandomCropFlip(Index1D i, ArrayView<float> x, ArrayView<float> y, int c, int h, int w, int pad, int flip,
        ulong seed, ulong stream, ulong offset)
    {
        int plane = h * w, image = c * plane;
        int img = i / image, rem = i - img * image;
        int within = rem % plane, row = within / w, col = within - row * w;
        // every pixel of an image recomputes the same block: ten rounds of integer math are cheaper than a second launch
        Philox.Block(seed, stream, offset + (ulong)(long)img, out uint r0, out uint r1, out uint r2, out uint _);
        int dy = Philox.Below(r0, 2 * pad + 1) - pad, dx = Philox.Below(r1, 2 * pad + 1) - pad;
        bool mirror = flip != 0 && (r2 >> 31) != 0;
        int si = row + dy, sj = (mirror ? w - 1 - col : col) + dx;
        y[i] = si >= 0 && si < h && sj >= 0 && sj < w ? x[i - within + si * w + sj] : 0f;
    }
}
