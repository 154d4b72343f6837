using FastRobust.Random;
using ILGPU;

namespace FastRobust.Kernels;

/// <summary>
/// Glass blur's pixel copies (src/FastRobust/Shifts/Generation/BlurCorruptions.cs, GlassBlur), between its two Gaussian blurs
/// (GaussianFilterKernels). The copies are sequential within an image (a pixel copied in may be copied on again), so
/// one thread runs one image's whole loop, in the host's order, with the host's draws (block k of field 0 of the
/// image's stream): exact.
/// </summary>
[HostBytes]
public static class GlassBlurKernel
{
    /// <summary>
    /// For each iteration, rows h − d … d + 1 and columns w − d … d + 1 (bottom-right inwards), pixel (row, col) of
    /// every channel takes the value of (row + dy, col + dx), dx, dy = Below(lane 0 / 1, 2d) − d. In place on 8-bit CHW images.
    /// </summary>
    [Kernel]
    public static void Copies(ArrayView<byte> pixels, int n, int channels, int h, int w, int d, int iterations,
        long firstImage, ulong seed, ulong streamBase)
    {
        int plane = h * w;
        for (int img = Stride.Start; img < n; img += Stride.Step)
        {
            ulong stream = streamBase | (ulong)(firstImage + img);
            int image = img * channels * plane;
            ulong k = CorruptionMath.FieldOffset(0);
            for (int t = 0; t < iterations; t++)
                for (int row = h - d; row > d; row--)
                    for (int col = w - d; col > d; col--, k++)
                    {
                        Philox.Block(seed, stream, k, out uint r0, out uint r1, out _, out _);
                        int dx = Philox.Below(r0, 2 * d) - d, dy = Philox.Below(r1, 2 * d) - d;
                        int a = row * w + col, b = (row + dy) * w + col + dx;
                        for (int c = 0; c < channels; c++) pixels[image + c * plane + a] = pixels[image + c * plane + b];
                    }
        }
    }
}
