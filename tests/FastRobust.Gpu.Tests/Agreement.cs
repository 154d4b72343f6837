using FastRobust.Gpu.Agreement;
using FastRobust.Tensors;

namespace FastRobust.Gpu.Tests;

/// <summary>
/// The agreement checker (src/FastRobust.Gpu/Agreement) on ilgpu-cpu, the ILGPU kernels on ILGPU's CPU accelerator,
/// for the tests of the ILGPU backend's own paths. Inputs come from a clock-seeded generator whose seed every failure
/// message names (FASTROBUST_TEST_SEED replays it).
/// </summary>
public sealed class Agreement() : Checker(IlgpuCpu, TestSeed())
{
    public static Device IlgpuCpu { get; } = OpenIlgpuCpu();

    private static Device OpenIlgpuCpu()
    {
        GpuDevices.Register();
        return Device.Parse("ilgpu-cpu");
    }

    public static int TestSeed()
    {
        var env = Environment.GetEnvironmentVariable("FASTROBUST_TEST_SEED");
        return env is null ? (int)(DateTime.UtcNow.Ticks & 0x7FFFFFFF) : int.Parse(env);
    }
}
