using ILGPU;

namespace FastRobust.Kernels;

/// <summary>
/// Fog (src/FastRobust/Shifts/Generation/WeatherCorruptions.cs, Passes/PlasmaFractal.cs) over a whole batch, one group per image.
/// The group builds the diamond-square map in the image's slice of <c>map</c> (global scratch, mapsize² doubles per
/// image) with <see cref="PlasmaKernel.Generate"/>, the host's bits; the image's largest value is order-independent, so a
/// tree reduction gives the host's exactly; the blend is then one value per thread.
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

        PlasmaKernel.Generate(map, mb, m, decay, seed, stream, CorruptionMath.FieldOffset(0), scratch);
        int top = 0;
        for (int q = t; q < size; q += threads) top = src[ib + q] > top ? src[ib + q] : top;
        // max of x/255 is (max of x)/255: the division is monotonic and exact-rounded
        double imax = Reduce.GroupPick(scratch, top, true) / 255.0;

        for (int q = t; q < size; q += threads)
        {
            int i = q % plane, y = i / w, x = i - y * w;
            double v = src[ib + q] / 255.0 + Rounded.Mul(amount, map[mb + y * m + x]);
            dst[ib + q] = CorruptionMath.Out(v * imax / (imax + amount));
        }
    }
}
