using FastRobust.Shifts;
using Xunit;

namespace FastRobust.Gpu.Tests.Shifts;

/// <summary>
/// The corruption kernels (kernels/Corruptions.cs) on ilgpu-cpu give the host's bytes (Corruptions.ApplyBytes) for
/// the same seed and image indices, at every severity, on fresh random images each run (the seed is in the message).
/// </summary>
public sealed class CorruptionKernelTests
{
    public static TheoryData<string, int> Cases()
    {
        var data = new TheoryData<string, int>();
        foreach (var name in new[] { "gaussian_noise", "speckle_noise", "impulse_noise", "contrast" })
            for (int s = 1; s <= 5; s++) data.Add(name, s);
        return data;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void KernelGivesTheHostBytes(string name, int severity)
    {
        var agree = new Agreement();
        var rng = agree.Rng;
        var shape = new ImageShape(3, 32, 32);
        int n = 5;
        // smooth random images with some pure black and white, so clipping at both ends is exercised
        var images = new byte[n * shape.Size];
        for (int i = 0; i < images.Length; i++)
            images[i] = (byte)(i % 97 == 0 ? 0 : i % 89 == 0 ? 255 : 128 + 100 * Math.Sin(i * 0.01 + rng.NextDouble()));
        ulong seed = (ulong)rng.NextInt64();
        long first = rng.Next(0, 60000);
        var corruption = Corruptions.Get(name);

        var host = Corruptions.ApplyBytes(corruption, severity, images, n, shape, seed, first);
        var gpu = GpuCorruptions.ApplyBytes((IlgpuBackend)Agreement.Gpu.Backend, corruption, severity, images, n, shape, seed, first);

        Assert.Equal(host.Length, gpu.Length);
        int offByOne = 0;
        for (int i = 0; i < host.Length; i++)
        {
            if (host[i] == gpu[i]) continue;
            Assert.True(Math.Abs(host[i] - gpu[i]) == 1, $"{name} s{severity} seed {agree.Seed}: value {i} is {gpu[i]} on the GPU, {host[i]} on the host");
            offByOne++;
        }
        // impulse noise and contrast are integer and double arithmetic in the host's order: exact. The normals go through KMath's log/sin/cos,
        // which may differ from .NET's in the last double bits; a one-level difference needs the value to sit
        // on a truncation boundary, about one in a million.
        Assert.True(name is "impulse_noise" or "contrast" ? offByOne == 0 : offByOne <= 2, $"{name} s{severity} seed {agree.Seed}: {offByOne} values one level off");
        Assert.True(host.Where((v, i) => v != images[i]).Count() > host.Length / 200, "the corruption changed almost nothing: the check would be vacuous");
    }

    [Fact]
    public void CorruptionsWithoutAKernelAreRefused()
    {
        var blur = Corruptions.Get("gaussian_blur");
        Assert.False(GpuCorruptions.Supports(blur));
        Assert.True(GpuCorruptions.Supports(Corruptions.Get("impulse_noise")));
        var e = Assert.Throws<ArgumentException>(() =>
            GpuCorruptions.ApplyBytes((IlgpuBackend)Agreement.Gpu.Backend, blur, 1, new byte[3072], 1, new ImageShape(3, 32, 32), 0));
        Assert.Contains("gaussian_blur", e.Message);
    }
}
