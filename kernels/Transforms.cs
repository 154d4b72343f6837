using FastRobust.Random;
using ILGPU;

namespace FastRobust.Kernels;

/// <summary>Data augmentation on the device: a grid-stride loop over output pixels, the image's shifts and flip from Philox(seed, stream, offset + image).</summary>
public static class Transforms
{
    [Kernel]
    public static void RandomCropFlip(ArrayView<float> x, ArrayView<float> y, int count, int c, int h, int w, int pad, int flip,
        ulong seed, ulong stream, ulong offset)
    {
        for (int i = Stride.Start; i < count; i += Stride.Step) CropFlipPixel(x, y, i, c, h, w, pad, flip, seed, stream, offset);
    }

    private static void CropFlipPixel(ArrayView<float> x, ArrayView<float> y, int i, int c, int h, int w, int pad, int flip,
        ulong seed, ulong stream, ulong offset)
    {
        int plane = h * w, image = c * plane;
        int img = i / image, rem = i - img * image;
        int within = rem % plane, row = within / w, col = within - row * w;
        // every pixel of an image recomputes the same block: ten rounds of integer math are cheaper than a second launch
        Philox.Block(seed, stream, offset + (ulong)img, out uint r0, out uint r1, out uint r2, out uint _);
        int dy = Philox.Below(r0, 2 * pad + 1) - pad, dx = Philox.Below(r1, 2 * pad + 1) - pad;
        bool mirror = flip != 0 && (r2 >> 31) != 0;
        int si = row + dy, sj = (mirror ? w - 1 - col : col) + dx;
        y[i] = si >= 0 && si < h && sj >= 0 && sj < w ? x[i - within + si * w + sj] : 0f;
    }
}
