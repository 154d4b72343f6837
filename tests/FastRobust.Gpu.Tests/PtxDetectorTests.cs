using System.Reflection;
using ILGPU.Backends;
using Xunit;

namespace FastRobust.Gpu.Tests;

/// <summary>
/// The PTX check can fail: a kernel calling Math.Exp does not come out clean. ILGPU's PTX backend has no exp of its
/// own (it would need libdevice or the Algorithms library), so compiling such a kernel throws, which fails
/// PtxTests.CompilesToPtxWithoutExterns as an <c>.extern .func</c> in the PTX would.
/// </summary>
public class PtxDetectorTests
{
    internal static void BadKernel(ILGPU.Index1D i, ILGPU.ArrayView<double> y) => y[i] = Math.Exp(y[i]);

    [Fact]
    public void LibdeviceMathIsCaught()
    {
        var m = typeof(PtxDetectorTests).GetMethod(nameof(BadKernel), BindingFlags.NonPublic | BindingFlags.Static)!;
        var e = Assert.ThrowsAny<Exception>(() => KernelPtx.Compile(m));
        // ILGPU wraps it: InternalCompilerException → AggregateException → NotSupportedIntrinsicException
        var chain = new List<Exception>();
        for (Exception? x = e; x != null; x = x.InnerException) chain.Add(x);
        var missing = chain.OfType<NotSupportedIntrinsicException>().FirstOrDefault();
        Assert.True(missing != null, $"expected ILGPU to refuse Math.Exp; got {e}");
        Assert.Contains("Exp", missing!.Message);
    }
}
