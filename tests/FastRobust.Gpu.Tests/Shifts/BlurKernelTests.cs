using FastRobust.Shifts.Generation;
using Xunit;

namespace FastRobust.Gpu.Tests.Shifts;

/// <summary>
/// Gaussian, defocus and glass blur (kernels/Corruptions/GaussianFilterKernels.cs, DefocusKernel.cs, GlassBlurKernel.cs)
/// on ilgpu-cpu give the host's bytes on blocky flat images too, where a sum in another order shows (CorruptionKernelTests
/// covers the smooth random images).
/// </summary>
public sealed class BlurKernelTests
{
    public static TheoryData<string, int, int> Cases()
    {
        var data = new TheoryData<string, int, int>();
        foreach (var name in new[] { "gaussian_blur", "defocus_blur", "glass_blur" })
            for (int s = 1; s <= 5; s++)
                foreach (int channels in new[] { 3, 1 }) data.Add(name, s, channels);
        return data;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void KernelGivesTheHostBytesOnFlatImages(string name, int severity, int channels) => AssertExactOnFlatImages(name, severity, channels);

    /// <summary>
    /// Images of 8 × 8 constant blocks. Inside a block the Gaussian filter (whose taps sum to 1 within a rounding)
    /// averages equal values, and the sum lands on, or a rounding from, the truncation boundary of that very level: a
    /// sum in another order shows there as a level off (checked: the row pass's pairs summed inner to outer fail here,
    /// while the harness's noisy images almost never sit on a boundary).
    /// </summary>
    private static void AssertExactOnFlatImages(string name, int severity, int channels, int n = 4)
    {
        var agree = new Agreement();
        var shape = channels == 3 ? new ImageShape(3, 32, 32) : new ImageShape(1, 28, 28);
        var images = new byte[n * shape.Size];
        int blocksX = (shape.W + 7) / 8, blocksY = (shape.H + 7) / 8;
        for (int plane = 0; plane < n * shape.C; plane++)
        {
            var levels = new byte[blocksY * blocksX];
            agree.Rng.NextBytes(levels);
            for (int y = 0; y < shape.H; y++)
                for (int x = 0; x < shape.W; x++) images[plane * shape.Plane + y * shape.W + x] = levels[y / 8 * blocksX + x / 8];
        }
        ulong seed = (ulong)agree.Rng.NextInt64();
        long first = agree.Rng.Next(0, 60000);
        var corruption = Corruptions.Get(name);
        var host = Corruptions.ApplyBytes(corruption, severity, images, n, shape, seed, first);
        var gpu = CorruptionAgreement.Kernels.ApplyBytes(corruption, severity, images, n, shape, seed, first);
        int differing = host.Where((v, i) => v != gpu[i]).Count();
        Assert.True(differing == 0, $"{name} s{severity} {shape} flat images, test seed {agree.Seed}: {differing} of {host.Length} values differ");
    }
}
