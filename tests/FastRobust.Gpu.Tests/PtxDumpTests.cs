using System.Reflection;
using Xunit;

namespace FastRobust.Gpu.Tests;

/// <summary>Checks that the PTX check can fail: a kernel calling Math.Exp must not come out clean.</summary>
public class PtxDetectorTests
{
    internal static void BadKernel(ILGPU.Index1D i, ILGPU.ArrayView<double> y) => y[i] = Math.Exp(y[i]);

    [Fact]
    public void LibdeviceMathIsCaught()
    {
        var m = typeof(PtxDetectorTests).GetMethod(nameof(BadKernel), BindingFlags.NonPublic | BindingFlags.Static)!;
        string? ptx = null;
        try { ptx = PtxTests.CompilePtx(m); }
        catch (Exception) { return; } // refusing to compile is also a catch
        Assert.Contains(".extern .func", ptx);
    }

    [Fact]
    public void DumpGemm()
    {
        var dir = Environment.GetEnvironmentVariable("FASTROBUST_PTX_DUMP");
        if (dir is null) return;
        Directory.CreateDirectory(dir);
        foreach (var k in PtxTests.AllKernels())
            File.WriteAllText(Path.Combine(dir, k.DeclaringType!.Name + "." + k.Name + ".ptx"), PtxTests.CompilePtx(k));
    }
}
