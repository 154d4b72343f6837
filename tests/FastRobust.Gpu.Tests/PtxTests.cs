using Xunit;
using Xunit.Abstractions;

namespace FastRobust.Gpu.Tests;

/// <summary>
/// Every method marked [Kernel] in kernels/ compiles to PTX for sm_80 (ISA 8.0) with no GPU present, and the PTX
/// calls nothing external: a kernel that reached libdevice math or an unsupported runtime method would leave an
/// <c>.extern .func</c> that fails only when the module is loaded on a real GPU.
/// </summary>
public class PtxTests(ITestOutputHelper output)
{
    public static TheoryData<string> KernelNames()
    {
        var data = new TheoryData<string>();
        foreach (var m in KernelPtx.All()) data.Add(KernelPtx.Name(m));
        return data;
    }

    [Fact]
    public void ThereAreKernelsToCheck() => Assert.True(KernelPtx.All().Count() >= 40, $"only {KernelPtx.All().Count()} kernels found");

    [Theory]
    [MemberData(nameof(KernelNames))]
    public void CompilesToPtxWithoutExterns(string name)
    {
        string ptx = KernelPtx.Compile(KernelPtx.All().Single(m => KernelPtx.Name(m) == name));
        Assert.Contains(".target sm_80", ptx);
        Assert.Contains(".entry", ptx);
        var externs = ptx.Split('\n').Where(l => l.Contains(".extern .func")).ToList();
        Assert.True(externs.Count == 0, $"{name}: unresolved externs:\n{string.Join("\n", externs)}");
        int locals = ptx.Split('\n').Count(l => l.Contains(".local"));
        output.WriteLine($"{name}: {ptx.Length} chars of PTX, {locals} .local declarations");
    }
}
