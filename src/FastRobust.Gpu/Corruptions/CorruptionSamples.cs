using FastRobust.Shifts.Generation;

namespace FastRobust.Gpu;

/// <summary>Inputs for checking corruption kernels against the host (gpu-selftest and tests/FastRobust.Gpu.Tests/Shifts).</summary>
internal static class CorruptionSamples
{
    /// <summary>
    /// Smooth random images (a few sine waves per channel, so blurs, edges and zooms have structure to work on) with some
    /// pure black and white values, so clipping at both ends is exercised.
    /// </summary>
    public static byte[] Smooth(System.Random rng, int n, ImageShape shape)
    {
        var images = new byte[n * shape.Size];
        for (int img = 0; img < n; img++)
            for (int c = 0; c < shape.C; c++)
            {
                double fx = 0.1 + rng.NextDouble() * 0.6, fy = 0.1 + rng.NextDouble() * 0.6, phase = rng.NextDouble() * 6.28;
                for (int y = 0; y < shape.H; y++)
                    for (int x = 0; x < shape.W; x++)
                    {
                        int i = (img * shape.C + c) * shape.Plane + y * shape.W + x;
                        double v = 128 + 90 * Math.Sin(fx * x + phase) * Math.Cos(fy * y) + 30 * (rng.NextDouble() - 0.5);
                        images[i] = (byte)Math.Clamp(i % 97 == 0 ? 0 : i % 89 == 0 ? 255 : v, 0, 255);
                    }
            }
        return images;
    }

    /// <summary>How many values differ and the largest difference in levels.</summary>
    public static (int Differing, int MaxLevels) Compare(byte[] host, byte[] gpu)
    {
        if (host.Length != gpu.Length) throw new ArgumentException($"{gpu.Length} values from the GPU, {host.Length} from the host");
        int differing = 0, max = 0;
        for (int i = 0; i < host.Length; i++)
        {
            int d = Math.Abs(host[i] - gpu[i]);
            if (d == 0) continue;
            differing++;
            max = Math.Max(max, d);
        }
        return (differing, max);
    }
}
