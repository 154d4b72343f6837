using ILGPU;

namespace FastRobust.Kernels;

/// <summary>
/// The host's diamond-square plasma fractal (src/FastRobust/Shifts/Generation/Passes/PlasmaFractal.cs) built by one thread group
/// in global scratch, rescaled to [0, 1] as the host rescales it: fog's map and frost's haze.
/// </summary>
public static class PlasmaKernel
{
    /// <summary>
    /// PlasmaFractal.Generate into map[b .. b + mapsize²), by the whole group: within a scale every square centre reads
    /// only corners of earlier scales, and every edge midpoint only corners and this scale's centres, so each phase is
    /// spread over the group with a barrier after the squares and after the midpoints. Value q of a phase is the host's
    /// expression on the host's operands with draw (phase start + q), the host's row-major count, so the map is the
    /// host's bit for bit. Min and max do not depend on order, so tree reductions give the host's rescaling exactly.
    /// </summary>
    public static void Generate(ArrayView<double> map, long b, int mapsize, double wibbleDecay, ulong seed, ulong stream, ulong field,
        ArrayView<double> scratch)
    {
        int t = Group.IdxX, threads = Group.DimX;
        if (t == 0) map[b] = 0;
        Group.Barrier();
        int step = mapsize;
        ulong draw = field;
        double wibble = 100;
        while (step >= 2)
        {
            int half = step / 2, k = mapsize / step, kk = k * k;
            // squares: centre = mean of the four corners
            for (int q = t; q < kk; q += threads)
            {
                int i = q / k, j = q - i * k, i1 = (i + 1) % k, j1 = (j + 1) % k;
                double a = map[b + (i * step) * mapsize + j * step] + map[b + (i1 * step) * mapsize + j * step];
                double c = map[b + (i * step) * mapsize + j1 * step] + map[b + (i1 * step) * mapsize + j1 * step];
                map[b + (i * step + half) * mapsize + j * step + half] = (a + c) / 4 + Wibble(wibble, CorruptionMath.Uniform(seed, stream, draw + (ulong)q));
            }
            draw += (ulong)kk;
            Group.Barrier();
            // midpoints on corner rows (squares above and below, corners left and right), then on corner columns
            // (squares left and right, corners above and below): neither reads what the other writes
            for (int q = t; q < kk; q += threads)
            {
                int i = q / k, j = q - i * k;
                double dr = map[b + (i * step + half) * mapsize + j * step + half] + map[b + (((i - 1 + k) % k) * step + half) * mapsize + j * step + half];
                double ul = map[b + (i * step) * mapsize + j * step] + map[b + (i * step) * mapsize + ((j + 1) % k) * step];
                map[b + (i * step) * mapsize + j * step + half] = (dr + ul) / 4 + Wibble(wibble, CorruptionMath.Uniform(seed, stream, draw + (ulong)q));
            }
            draw += (ulong)kk;
            for (int q = t; q < kk; q += threads)
            {
                int i = q / k, j = q - i * k;
                double dr = map[b + (i * step + half) * mapsize + j * step + half] + map[b + (i * step + half) * mapsize + ((j - 1 + k) % k) * step + half];
                double ul = map[b + (i * step) * mapsize + j * step] + map[b + (((i + 1) % k) * step) * mapsize + j * step];
                map[b + (i * step + half) * mapsize + j * step] = (dr + ul) / 4 + Wibble(wibble, CorruptionMath.Uniform(seed, stream, draw + (ulong)q));
            }
            draw += (ulong)kk;
            Group.Barrier();
            step /= 2;
            wibble /= wibbleDecay;
        }
        // the host subtracts the minimum from every value, then divides each by the largest difference
        int n = mapsize * mapsize;
        double lo = double.MaxValue;
        for (int q = t; q < n; q += threads) lo = map[b + q] < lo ? map[b + q] : lo;
        double min = Reduce.GroupPick(scratch, lo, false);
        double hi = double.MinValue;
        for (int q = t; q < n; q += threads) hi = map[b + q] - min > hi ? map[b + q] - min : hi;
        double max = Reduce.GroupPick(scratch, hi, true);
        for (int q = t; q < n; q += threads) map[b + q] = (map[b + q] - min) / max;
        Group.Barrier();
    }

    /// <summary>wibble · (−wibble + 2·wibble·u), the host's expression with each product rounded.</summary>
    private static double Wibble(double wibble, double u) => Rounded.Mul(wibble, -wibble + Rounded.Mul(2 * wibble, u));
}
