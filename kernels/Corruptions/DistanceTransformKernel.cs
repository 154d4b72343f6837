using ILGPU;

namespace FastRobust.Kernels;

/// <summary>
/// src/FastRobust/Shifts/Generation/Passes/DistanceTransform.cs (OpenCV's distanceTransform, DIST_L2, mask 5): the two-pass
/// 5 × 5 chamfer distance in 16-bit fixed point, one thread per plane (each pass depends on the values it has just
/// written). Integer arithmetic and the host's one float conversion: exact. The step costs come from the host
/// (DistanceTransform.Cost). Here the zero pixels are Canny's edges (map == 2), i.e. 255 − edges == 0 as on the
/// host; each distance is capped at <paramref name="cap"/> (the spatter's 20).
/// </summary>
[HostBytes]
public static class DistanceTransformKernel
{
    private const uint Init = int.MaxValue, Max = int.MaxValue >> 2;

    /// <summary><paramref name="t"/>: (h + 4) · (w + 4) uints per plane.</summary>
    [Kernel]
    public static void FromEdges(ArrayView<byte> map, ArrayView<uint> t, ArrayView<float> dist, int planes, int h, int w,
        uint hv, uint diag, uint knight, float cap)
    {
        int plane = h * w, step = w + 4, size = (h + 4) * step;
        for (int img = Stride.Start; img < planes; img += Stride.Step)
        {
            long b = (long)img * plane, tb = (long)img * size;
            for (int k = 0; k < size; k++) t[tb + k] = Init;
            for (int y = 0; y < h; y++)
            {
                long row = tb + (y + 2) * step + 2;
                for (int x = 0; x < w; x++)
                {
                    long i = row + x;
                    if (map[b + y * w + x] == 2)
                    {
                        t[i] = 0;
                        continue;
                    }
                    uint best = t[i - 2 * step - 1] + knight;
                    best = Min(best, t[i - 2 * step + 1] + knight);
                    best = Min(best, t[i - step - 2] + knight);
                    best = Min(best, t[i - step - 1] + diag);
                    best = Min(best, t[i - step] + hv);
                    best = Min(best, t[i - step + 1] + diag);
                    best = Min(best, t[i - step + 2] + knight);
                    best = Min(best, t[i - 1] + hv);
                    t[i] = best;
                }
            }
            const float scale = 1f / (1 << 16);
            for (int y = h - 1; y >= 0; y--)
            {
                long row = tb + (y + 2) * step + 2;
                for (int x = w - 1; x >= 0; x--)
                {
                    long i = row + x;
                    uint best = t[i];
                    if (best > hv)
                    {
                        best = Min(best, t[i + 2 * step + 1] + knight);
                        best = Min(best, t[i + 2 * step - 1] + knight);
                        best = Min(best, t[i + step + 2] + knight);
                        best = Min(best, t[i + step + 1] + diag);
                        best = Min(best, t[i + step] + hv);
                        best = Min(best, t[i + step - 1] + diag);
                        best = Min(best, t[i + step - 2] + knight);
                        best = Min(best, t[i + 1] + hv);
                        t[i] = best;
                    }
                    float d = (float)(Min(best, Max) * scale);
                    dist[b + y * w + x] = d < cap ? d : cap;
                }
            }
        }
    }

    private static uint Min(uint a, uint b) => a < b ? a : b;
}
