using FastRobust.Shifts;
using Xunit;

namespace FastRobust.Gpu.Tests.Shifts;

/// <summary>
/// Gaussian, defocus and glass blur (kernels/Corruptions/GaussianFilterKernels.cs, DefocusKernel.cs, GlassBlurKernel.cs)
/// on ilgpu-cpu give the host's bytes at every severity, on colour and grey images, on non-square odd shapes, and on
/// blocky flat images.
/// </summary>
public sealed class BlurKernelTests
{
    private static readonly string[] Names = ["gaussian_blur", "defocus_blur", "glass_blur"];

    public static TheoryData<string, int, int> Cases()
    {
        var data = new TheoryData<string, int, int>();
        foreach (var name in Names)
            for (int s = 1; s <= 5; s++)
                foreach (int channels in new[] { 3, 1 }) data.Add(name, s, channels);
        return data;
    }

    public static TheoryData<string, int, int> OddShapes()
    {
        var data = new TheoryData<string, int, int>();
        foreach (var name in Names)
            for (int s = 1; s <= 5; s++)
                for (int shape = 0; shape < OddShapeAgreement.Shapes.Length; shape++) data.Add(name, s, shape);
        return data;
    }

    // Exact, no value may differ, for all three: no transcendental runs on the device. The Gaussian taps and the defocus
    // kernel are the host's (uploaded); every sum is the host's doubles in the host's order, products rounded on their
    // own on PTX too (Rounded.Mul); glass blur's copies are the host's sequential loop with the host's draws.
    [Theory]
    [MemberData(nameof(Cases))]
    public void KernelGivesTheHostBytes(string name, int severity, int channels)
    {
        CorruptionAgreement.AssertAgree(name, severity, channels, maxDiffering: 0, maxLevels: 0);
        AssertExactOnFlatImages(name, severity, channels);
    }

    [Theory]
    [MemberData(nameof(OddShapes))]
    public void KernelGivesTheHostBytesOnOddShapes(string name, int severity, int shape) =>
        OddShapeAgreement.AssertExact(name, severity, OddShapeAgreement.Shapes[shape]);

    /// <summary>
    /// Images of 8 × 8 constant blocks. Inside a block the Gaussian filter (whose taps sum to 1 within a rounding)
    /// averages equal values, and the sum lands on, or a rounding from, the truncation boundary of that very level: a
    /// sum in another order shows there as a level off (checked: the row pass's pairs summed inner to outer fail here,
    /// while the harness's noisy images almost never sit on a boundary).
    /// </summary>
    private static void AssertExactOnFlatImages(string name, int severity, int channels, int n = 4)
    {
        var agree = new Agreement();
        var shape = CorruptionAgreement.Shape(channels);
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
