namespace FastRobust.Shifts.Generation.Passes;

/// <summary>
/// The diamond-square height map of make_cifar_c.py's fog (plasma_fractal, after FLHerne's mapgen): a periodic
/// map of side <c>mapsize</c> (a power of two) with the corner at 0; at each scale every square centre becomes the
/// mean of its four corners and every edge midpoint the mean of its four diamond neighbours (indices wrap), each
/// plus wibble·U(−wibble, wibble), with wibble starting at 100 and divided by <c>wibbleDecay</c> per scale; finally
/// rescaled to [0, 1]. The uniforms are consumed in the reference's order: squares, then the midpoints on the
/// corner rows, then those on the corner columns, each row-major.
/// </summary>
internal static class PlasmaFractal
{
    /// <summary>The smallest power of two (at least 2) covering an h × w image: the map side fog and frost use (32 for CIFAR).</summary>
    public static int MapSize(int h, int w)
    {
        int m = 2;
        while (m < Math.Max(h, w)) m *= 2;
        return m;
    }

    /// <summary>Fills <paramref name="map"/> (mapsize²); <paramref name="uniform"/>(i) is the i-th U[0, 1).</summary>
    public static void Generate(Span<double> map, int mapsize, double wibbleDecay, Func<int, double> uniform)
    {
        if (mapsize < 2 || (mapsize & (mapsize - 1)) != 0) throw new ArgumentException($"mapsize {mapsize} is not a power of two");
        map[0] = 0;
        int step = mapsize, draw = 0;
        double wibble = 100;
        while (step >= 2)
        {
            int half = step / 2, k = mapsize / step;
            // squares: centre = mean of the four corners
            for (int i = 0; i < k; i++)
            for (int j = 0; j < k; j++)
            {
                int i1 = (i + 1) % k, j1 = (j + 1) % k;
                double a = At(map, mapsize, i, j, step, 0, 0) + At(map, mapsize, i1, j, step, 0, 0);
                double b = At(map, mapsize, i, j1, step, 0, 0) + At(map, mapsize, i1, j1, step, 0, 0);
                map[(i * step + half) * mapsize + j * step + half] = (a + b) / 4 + wibble * (-wibble + 2 * wibble * uniform(draw++));
            }
            // midpoints on corner rows: squares above and below, corners left and right
            for (int i = 0; i < k; i++)
            for (int j = 0; j < k; j++)
            {
                double dr = At(map, mapsize, i, j, step, half, half) + At(map, mapsize, (i - 1 + k) % k, j, step, half, half);
                double ul = At(map, mapsize, i, j, step, 0, 0) + At(map, mapsize, i, (j + 1) % k, step, 0, 0);
                map[i * step * mapsize + j * step + half] = (dr + ul) / 4 + wibble * (-wibble + 2 * wibble * uniform(draw++));
            }
            // midpoints on corner columns: squares left and right, corners above and below
            for (int i = 0; i < k; i++)
            for (int j = 0; j < k; j++)
            {
                double dr = At(map, mapsize, i, j, step, half, half) + At(map, mapsize, i, (j - 1 + k) % k, step, half, half);
                double ul = At(map, mapsize, i, j, step, 0, 0) + At(map, mapsize, (i + 1) % k, j, step, 0, 0);
                map[(i * step + half) * mapsize + j * step] = (dr + ul) / 4 + wibble * (-wibble + 2 * wibble * uniform(draw++));
            }
            step /= 2;
            wibble /= wibbleDecay;
        }
        int n = mapsize * mapsize;
        double min = double.MaxValue;
        for (int i = 0; i < n; i++) min = Math.Min(min, map[i]);
        double max = double.MinValue;
        for (int i = 0; i < n; i++)
        {
            map[i] -= min;
            max = Math.Max(max, map[i]);
        }
        for (int i = 0; i < n; i++) map[i] /= max;
    }

    /// <summary>Uniform draws a map of this size consumes.</summary>
    public static int Draws(int mapsize)
    {
        int total = 0;
        for (int step = mapsize; step >= 2; step /= 2) total += 3 * (mapsize / step) * (mapsize / step);
        return total;
    }

    private static double At(Span<double> map, int mapsize, int i, int j, int step, int dy, int dx) =>
        map[(i * step + dy) * mapsize + j * step + dx];
}
