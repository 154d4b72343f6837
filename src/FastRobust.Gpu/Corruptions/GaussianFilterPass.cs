using FastRobust.Kernels;
using FastRobust.Shifts.Passes;
using ILGPU;
using ILGPU.Runtime;

namespace FastRobust.Gpu;

/// <summary>
/// GaussianFilter.Apply (truncate 4, edges repeated) on every plane of a batch, bytes to bytes
/// (kernels/Corruptions/GaussianFilterKernels.cs): a row pass into a double scratch, then a column pass, each
/// one thread per output value over the whole batch. The taps are the host's, computed there and uploaded.
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
}
