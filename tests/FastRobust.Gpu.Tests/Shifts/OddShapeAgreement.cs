using FastRobust.Shifts;
using Xunit;

namespace FastRobust.Gpu.Tests.Shifts;

/// <summary>
/// <see cref="CorruptionAgreement.AssertAgree"/> on images that are neither square nor a power of two wide, so a kernel
/// that swaps H and W, or assumes the map or field is the image's size, differs from the host.
/// </summary>
internal static class OddShapeAgreement
{
    public static readonly ImageShape[] Shapes = [new(3, 20, 36), new(1, 36, 20)];

    /// <summary>Exact agreement on 3 fresh random images of <paramref name="shape"/> (test seed in the message).</summary>
    public static void AssertExact(string name, int severity, ImageShape shape)
    {
        var agree = new Agreement();
        var images = CorruptionAgreement.Images(agree.Rng, 3, shape);
        ulong seed = (ulong)agree.Rng.NextInt64();
        long first = agree.Rng.Next(0, 60000);
        var corruption = Corruptions.Get(name);
        var host = Corruptions.ApplyBytes(corruption, severity, images, 3, shape, seed, first);
        var gpu = CorruptionAgreement.Kernels.ApplyBytes(corruption, severity, images, 3, shape, seed, first);
        int differing = host.Where((v, i) => v != gpu[i]).Count();
        Assert.True(differing == 0, $"{name} s{severity} {shape} test seed {agree.Seed}: {differing} of {host.Length} values differ");
    }
}
