using FastRobust.Shifts.Generation;

namespace FastRobust.Gpu;

/// <summary>Gaussian blur: the separable filter's row and column passes over the whole batch (GaussianFilterPass).</summary>
internal sealed class GaussianBlurLauncher : CorruptionLauncher
{
    public override IReadOnlyList<string> Names { get; } = ["gaussian_blur"];

    public override void Launch(CorruptionBatch b) => GaussianFilterPass.Blur(b, b.Src, b.Dst, GaussianBlur.Sigma[b.Severity - 1]);
}
