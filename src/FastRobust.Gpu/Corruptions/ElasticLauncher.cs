using FastRobust.Kernels;
using FastRobust.Shifts.Generation;
using FastRobust.Shifts.Generation.Passes;
using ILGPU;
using ILGPU.Runtime;

namespace FastRobust.Gpu;

/// <summary>
/// Elastic transform (kernels/Corruptions/ElasticKernels.cs): five launches over the whole batch, one thread per
/// value each — noise, blur rows, blur columns (GaussianPassKernel), warpAffine, map_coordinates (which scales the field by α). The blur taps and each image's
/// inverse affine (six uniforms and a 6 × 6 solve per image) come from the host's own code and are uploaded.
/// </summary>
internal sealed class ElasticLauncher : CorruptionLauncher
{
    public override IReadOnlyList<string> Names { get; } = ["elastic_transform"];

    public override void Launch(CorruptionBatch b)
    {
        var k = b.Backend.K;
        var noiseK = k.Load("ElasticKernels.Noise", a =>
            a.LoadStreamKernel<ArrayView<double>, int, int, long, ulong, ulong>(ElasticKernels.Noise));
        var warpK = k.Load("ElasticKernels.Warp", a =>
            a.LoadStreamKernel<ArrayView<byte>, ArrayView<float>, ArrayView<double>, int, int, int, int>(ElasticKernels.Warp));
        var mapK = k.Load("ElasticKernels.Map", a =>
            a.LoadStreamKernel<ArrayView<float>, ArrayView<double>, ArrayView<byte>, int, int, int, int, double>(ElasticKernels.Map));

        var shape = b.Shape;
        int h = shape.H, w = shape.W, p = shape.Plane;
        var (alpha, sigma, _) = ElasticTransform.Scaled(shape, b.Severity);
        // the host skips the blur where σ = 0 (severity 1); a single tap of 1 is the same copy (v · 1 = v)
        double[] taps = sigma <= 1e-15 ? [1.0] : GaussianFilter.Kernel(sigma, 3.0);
        var tapsView = b.Upload(taps);

        var inverse = new double[6 * b.N];
        for (int img = 0; img < b.N; img++)
        {
            var rng = new CorruptionRandom(b.Seed, b.Corruption.Index, b.Severity, b.FirstIndex + img);
            ElasticWarp.Invert(ElasticTransform.Affine(shape, b.Severity, rng), inverse.AsSpan(6 * img, 6));
        }
        var inverseView = b.Upload(inverse);

        long fieldValues = 2L * b.N * p;
        var noise = b.Scratch<double>(fieldValues);
        var rows = b.Scratch<double>(fieldValues);
        var warped = b.Scratch<float>(b.Total);
        int nf = IlgpuBackend.N(fieldValues), nt = IlgpuBackend.N(b.Total);
        var fieldGrid = b.Backend.Elements(fieldValues);
        var valueGrid = b.Backend.Elements(b.Total);
        noiseK(fieldGrid, noise, nf, p, b.FirstIndex, b.Seed, b.StreamBase);
        // GaussianFilter with 'reflect' borders, truncate 3: rows, then columns back into the noise buffer
        GaussianFilterPass.Axis(b, noise, rows, tapsView, taps.Length / 2, fieldValues, vertical: true, float32: false, BorderIndex.Reflect);
        GaussianFilterPass.Axis(b, rows, noise, tapsView, taps.Length / 2, fieldValues, vertical: false, float32: false, BorderIndex.Reflect);
        warpK(valueGrid, b.Src, warped, inverseView, nt, shape.C, h, w);
        mapK(valueGrid, warped, noise, b.Dst, nt, shape.C, h, w, alpha);
    }
}
