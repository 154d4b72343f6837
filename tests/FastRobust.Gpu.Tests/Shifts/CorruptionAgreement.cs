using FastRobust.Shifts.Generation;
using Xunit;

namespace FastRobust.Gpu.Tests.Shifts;

/// <summary>
/// Runs a corruption on the host (Corruptions.ApplyBytes) and on its kernels on ilgpu-cpu with the same fresh
/// random images, seed and image indices (the test seed is in every message; FASTROBUST_TEST_SEED replays it), the
/// kernels' output poisoned first, and asserts the bytes agree within what the caller allows.
/// </summary>
internal static class CorruptionAgreement
{
    public static IlgpuBackend Backend => (IlgpuBackend)Agreement.IlgpuCpu.Backend;

    /// <summary>The backend's corruption kernels with output poisoning on.</summary>
    public static GpuCorruptions Kernels
    {
        get
        {
            var k = (GpuCorruptions)CorruptionKernelRegistry.For(Backend)!;
            k.PoisonOutputs = true;
            return k;
        }
    }

    public static byte[] Images(System.Random rng, int n, ImageShape shape) => CorruptionSamples.Smooth(rng, n, shape);

    /// <summary>
    /// Asserts the kernels give the host's bytes on <paramref name="n"/> fresh images of <paramref name="shape"/>: at most
    /// <paramref name="maxDiffering"/> values different, each by one level at most. Returns how many differ.
    /// </summary>
    public static int AssertAgree(string name, int severity, ImageShape shape, int maxDiffering = 0, int n = 5)
    {
        var agree = new Agreement();
        var rng = agree.Rng;
        var images = Images(rng, n, shape);
        ulong seed = (ulong)rng.NextInt64();
        long first = rng.Next(0, 60000);
        var corruption = Corruptions.Get(name);
        string where = $"{name} s{severity} {shape} test seed {agree.Seed}";

        Assert.True(Kernels.Supports(corruption, shape), $"{where}: no kernel");
        var host = Corruptions.ApplyBytes(corruption, severity, images, n, shape, seed, first);
        var gpu = Kernels.ApplyBytes(corruption, severity, images, n, shape, seed, first);

        Assert.Equal(host.Length, gpu.Length);
        int differing = 0;
        for (int i = 0; i < host.Length; i++)
        {
            if (host[i] == gpu[i]) continue;
            Assert.True(Math.Abs(host[i] - gpu[i]) <= 1, $"{where}: value {i} is {gpu[i]} on the GPU, {host[i]} on the host");
            differing++;
        }
        Assert.True(differing <= maxDiffering, $"{where}: {differing} of {host.Length} values differ (at most {maxDiffering} allowed)");
        Assert.True(host.Where((v, i) => v != images[i]).Count() > host.Length / 200, $"{where}: the corruption changed almost nothing: the check would be vacuous");
        return differing;
    }
}
