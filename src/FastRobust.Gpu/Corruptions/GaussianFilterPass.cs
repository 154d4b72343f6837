using FastRobust.Kernels;
using FastRobust.Shifts.Generation.Passes;
using ILGPU;
using ILGPU.Runtime;

namespace FastRobust.Gpu;

/// <summary>
/// GaussianFilter on every plane of a batch, one thread per output value: <see cref="Blur"/> (truncate 4, edges
/// repeated) bytes to bytes (kernels/Corruptions/GaussianFilterKernels.cs), and <see cref="Axis"/>, one axis on
/// double planes with any border. The taps are the host's, computed there and uploaded.
/// </summary>
internal static class GaussianFilterPass
{
    /// <summary><paramref name="tmp"/>: a scratch of the batch's size in doubles for the row pass's output (rented when absent).</summary>
    public static void Blur(CorruptionBatch b, ArrayView<byte> src, ArrayView<byte> dst, double sigma, ArrayView<double> tmp = default)
    {
        // the host copies for σ ≈ 0; every CIFAR σ is above that, but its kernel is then the single tap 1.0 anyway
        double[] taps = sigma <= 1e-15 ? [1.0] : GaussianFilter.Kernel(sigma, 4.0);
        var k = b.Upload(taps);
        int r = taps.Length / 2, total = IlgpuBackend.N(b.Total);
        var rows = b.Backend.K.Load("GaussianFilterKernels.Rows", a =>
            a.LoadStreamKernel<ArrayView<byte>, ArrayView<double>, ArrayView<double>, int, int, int, int>(GaussianFilterKernels.Rows));
        var columns = b.Backend.K.Load("GaussianFilterKernels.Columns", a =>
            a.LoadStreamKernel<ArrayView<double>, ArrayView<byte>, ArrayView<double>, int, int, int>(GaussianFilterKernels.Columns));
        if (!tmp.IsValid) tmp = b.Scratch<double>(b.Total);
        rows(b.Backend.Elements(total), src, tmp, k, total, b.Shape.H, b.Shape.W, r);
        columns(b.Backend.Elements(total), tmp, dst, k, total, b.Shape.W, r);
    }

    /// <summary>
    /// One axis of GaussianFilter on the double planes of a batch (kernels/Corruptions/GaussianPassKernel.cs): the rows
    /// (<paramref name="vertical"/>) or the columns over <paramref name="count"/> values of h × w planes, borders a
    /// BorderIndex mode, each output rounded to float where the host's image is float32.
    /// </summary>
    public static void Axis(CorruptionBatch b, ArrayView<double> src, ArrayView<double> dst, ArrayView<double> taps, int radius, long count,
        bool vertical, bool float32, int border)
    {
        var pass = b.Backend.K.Load("GaussianPassKernel.Pass", a =>
            a.LoadStreamKernel<ArrayView<double>, ArrayView<double>, ArrayView<double>, int, int, int, int, int, int, int>(GaussianPassKernel.Pass));
        pass(b.Backend.Elements(count), src, dst, taps, radius, IlgpuBackend.N(count), b.Shape.H, b.Shape.W, vertical ? 1 : 0, float32 ? 1 : 0, border);
    }
}
