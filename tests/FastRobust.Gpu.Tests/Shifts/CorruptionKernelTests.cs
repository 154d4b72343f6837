using FastRobust.Shifts;
using Xunit;

namespace FastRobust.Gpu.Tests.Shifts;

/// <summary>
/// The noise and contrast kernels (kernels/Corruptions/NoiseKernels.cs, ContrastKernel.cs) on ilgpu-cpu give the
/// host's bytes at every severity, on colour and grey images; and the dispatch refuses what has no kernel.
/// </summary>
public sealed class CorruptionKernelTests
{
    public static TheoryData<string, int, int> Cases()
    {
        var data = new TheoryData<string, int, int>();
        foreach (var name in new[] { "gaussian_noise", "speckle_noise", "impulse_noise", "contrast" })
            for (int s = 1; s <= 5; s++)
                foreach (int channels in new[] { 3, 1 }) data.Add(name, s, channels);
        return data;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void KernelGivesTheHostBytes(string name, int severity, int channels) =>
        // impulse noise and contrast are integer and double arithmetic in the host's order: exact. The normals go
        // through KMath's log/sin/cos, which may differ from .NET's in the last double bits; a one-level difference
        // needs the value to sit on a truncation boundary, about one in a million (a 1 % change of σ shows as ~2,000).
        CorruptionAgreement.AssertAgree(name, severity, channels, maxDiffering: name is "impulse_noise" or "contrast" ? 0 : 2);

    [Fact]
    public void UnsupportedCorruptionsAreRefusedAndFallBackToTheHost()
    {
        var kernels = CorruptionAgreement.Kernels;
        var shape = new ImageShape(3, 32, 32);
        var missing = Corruptions.All.FirstOrDefault(c => !kernels.Supports(c, shape));
        if (missing == null) return; // every corruption has a kernel: nothing to refuse
        var e = Assert.Throws<ArgumentException>(() => kernels.ApplyBytes(missing, 1, new byte[3072], 1, shape, 0));
        Assert.Contains(missing.Name, e.Message);
        // through Corruptions.ApplyBytes with the backend, the host runs it: the host's bytes
        var images = CorruptionAgreement.Images(new System.Random(1), 2, shape);
        Assert.Equal(Corruptions.ApplyBytes(missing, 2, images, 2, shape, 7, 3),
            Corruptions.ApplyBytes(missing, 2, images, 2, shape, 7, 3, CorruptionAgreement.Backend));
    }

    [Fact]
    public void GpuNamesListOnlyCorruptionsWithKernels()
    {
        Assert.Contains("impulse_noise", GpuCorruptions.Names);
        Assert.Contains("contrast", GpuCorruptions.Names);
        Assert.All(GpuCorruptions.Names, n => Assert.True(CorruptionAgreement.Kernels.Supports(Corruptions.Get(n), new ImageShape(3, 32, 32))));
    }
}
