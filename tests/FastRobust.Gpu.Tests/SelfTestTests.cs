using FastRobust.Tensors;
using Xunit;
using Xunit.Abstractions;

namespace FastRobust.Gpu.Tests;

/// <summary>The CLI's hidden gpu-selftest (what bench/gpu-check.sh runs on CUDA) passes on ilgpu-cpu, so it cannot rot.</summary>
public class SelfTestTests(ITestOutputHelper output)
{
    [Fact]
    public void SelfTestPassesOnIlgpuCpu()
    {
        var log = new StringWriter();
        var (passed, failed) = SelfTest.Run(Agreement.Gpu, (int)(DateTime.UtcNow.Ticks & 0x7FFFFFFF), log, scale: 0.25);
        output.WriteLine(log.ToString());
        Assert.True(failed == 0, log.ToString());
        Assert.True(passed > 30);
        foreach (var name in GpuCorruptions.Names) Assert.Contains($"ok   corruption {name}:", log.ToString());
    }

    [SkippableFact]
    public void CudaWithoutAGpuIsAClearInputError()
    {
        GpuDevices.Register();
        Skip.If(Device.CudaAvailable(), "this machine has a CUDA GPU, so asking for cuda is no error here");
        var e = Assert.Throws<FastRobust.Util.InputException>(() => Device.Parse("cuda"));
        Assert.Contains("no CUDA", e.Message);
        Assert.Same(Device.Cpu, Device.Parse("auto"));
    }
}
