using FastRobust.Random;
using ILGPU;

namespace FastRobust.Kernels;

/// <summary>
/// Fog (src/FastRobust/Shifts/WeatherCorruptions.cs, Passes/PlasmaFractal.cs) over a whole batch, one group per image.
/// The diamond-square map is built in the image's slice of <c>map</c> (global scratch, mapsize² doubles per image):
/// within one scale every square centre depends only on corners of earlier scales, and every edge midpoint only on
/// corners and this scale's centres, so the group computes a phase in parallel with a barrier after the squares and
/// after the midpoints; each value is the host's expression on the host's operands, and its uniform is draw number
/// (phase start + its row-major index), so the map is the host's bit for bit. Min, max and the image's largest value
/// are order-independent, so tree reductions give the host's exactly; the blend is then one value per thread.
/// </summary>
[HostBytes]
public static class FogKernel
{
    [Kernel]
    public static void Fog(ArrayView<byte> src, ArrayView<byte> dst, ArrayView<double> map, int size, int plane, int w, int m,
        long firstImage, ulong seed, ulong streamBase, double amount, double decay)
    {
        var scratch = SharedMemory.Allocate<double>(Reduce.MaxThreads);
        int img = Grid.IdxX, t = Group.IdxX, threads = Group.DimX;
        ulong stream = streamBase | (ulong)(firstImage + img);
        long mb = (long)img * m * m, ib = (long)img * size;

        if (t == 0) map[mb] = 0;
        Group.Barrier();
        int step = m, draw = 0;
        double wibble = 100;
        while (step >= 2)
        {
            int half = step / 2, k = m / step, kk = k * k;
            // squares: centre = mean of the four corners
            for (int q = t; q < kk; q += threads)
            {
                int i = q / k, j = q - i * k, i1 = (i + 1) % k, j1 = (j + 1) % k;
                double a = map[mb + (i * step) * m + j * step] + map[mb + (i1 * step) * m + j * step];
                double b = map[mb + (i * step) * m + j1 * step] + map[mb + (i1 * step) * m + j1 * step];
                map[mb + (i * step + half) * m + j * step + half] = (a + b) / 4 + Noise(wibble, Uniform(seed, stream, draw + q));
            }
            draw += kk;
            Group.Barrier();
            // midpoints on corner rows (squares above and below, corners left and right), then on corner columns;
            // neither phase reads what the other writes, so one barrier covers both
            for (int q = t; q < kk; q += threads)
            {
                int i = q / k, j = q - i * k;
                double dr = map[mb + (i * step + half) * m + j * step + half] + map[mb + (((i - 1 + k) % k) * step + half) * m + j * step + half];
                double ul = map[mb + (i * step) * m + j * step] + map[mb + (i * step) * m + ((j + 1) % k) * step];
                map[mb + (i * step) * m + j * step + half] = (dr + ul) / 4 + Noise(wibble, Uniform(seed, stream, draw + q));
            }
            draw += kk;
            for (int q = t; q < kk; q += threads)
            {
                int i = q / k, j = q - i * k;
                double dr = map[mb + (i * step + half) * m + j * step + half] + map[mb + (i * step + half) * m + ((j - 1 + k) % k) * step + half];
                double ul = map[mb + (i * step) * m + j * step] + map[mb + (((i + 1) % k) * step) * m + j * step];
                map[mb + (i * step + half) * m + j * step] = (dr + ul) / 4 + Noise(wibble, Uniform(seed, stream, draw + q));
            }
            draw += kk;
            Group.Barrier();
            step /= 2;
            wibble /= decay;
        }

        // the host rescales the map to [0, 1]: (v − min) / max(v − min), and needs the image's largest value
        int mm = m * m;
        double lo = double.MaxValue;
        for (int q = t; q < mm; q += threads) lo = Reduce.Pick(lo, map[mb + q], false);
        double min = Reduce.GroupPick(scratch, lo, false);
        double hi = double.MinValue;
        for (int q = t; q < mm; q += threads) hi = Reduce.Pick(hi, map[mb + q] - min, true);
        double max = Reduce.GroupPick(scratch, hi, true);
        int top = 0;
        for (int q = t; q < size; q += threads) top = src[ib + q] > top ? src[ib + q] : top;
        // max of x/255 is (max of x)/255: the division is monotonic and exact-rounded
        double imax = Reduce.GroupPick(scratch, top, true) / 255.0;

        for (int q = t; q < size; q += threads)
        {
            int i = q % plane, y = i / w, x = i - y * w;
            double v = src[ib + q] / 255.0 + Rounded.Mul(amount, (map[mb + y * m + x] - min) / max);
            dst[ib + q] = CorruptionMath.Out(v * imax / (imax + amount));
        }
    }

    /// <summary>wibble · (−wibble + 2·wibble·u), each product rounded as on the host (no fma on the GPU).</summary>
    private static double Noise(double wibble, double u) => Rounded.Mul(wibble, -wibble + Rounded.Mul(2 * wibble, u));

    /// <summary>CorruptionRandom.Uniform(0, i): lanes 0 and 1 of block i of field 0.</summary>
    private static double Uniform(ulong seed, ulong stream, int i)
    {
        Philox.Block(seed, stream, CorruptionMath.FieldOffset(0) + (ulong)i, out uint r0, out uint r1, out _, out _);
        return CorruptionMath.ToDouble(r0, r1);
    }
}
