using System.Reflection;
using FastRobust.Kernels;
using ILGPU;
using ILGPU.Backends.EntryPoints;
using ILGPU.Backends.PTX;
using ILGPU.Runtime;
using ILGPU.Runtime.CPU;
using ILGPU.Runtime.Cuda;
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
        foreach (var m in AllKernels()) data.Add(Name(m));
        return data;
    }

    internal static IEnumerable<MethodInfo> AllKernels() =>
        typeof(KernelAttribute).Assembly.GetTypes()
            .SelectMany(t => t.GetMethods(BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Static))
            .Where(m => m.GetCustomAttribute<KernelAttribute>() != null)
            .OrderBy(Name);

    internal static string Name(MethodInfo m) => m.DeclaringType!.Name + "." + m.Name;

    internal static bool IsAutoGrouped(MethodInfo m) =>
        m.GetParameters() is [var first, ..] && first.ParameterType.GetInterfaces().Any(i => i.Name.StartsWith("IIntIndex", StringComparison.Ordinal));

    /// <summary>One context (the kernels' optimisation level, as KernelSet's) and one PTX backend per target.</summary>
    private static readonly Lazy<Context> CompilerContext = new(() => Context.Create(b => b.CPU().Optimize(OptimizationLevel.O2)));

    private static readonly Dictionary<(CudaArchitecture, CudaInstructionSet), PTXBackend> Backends = new();

    internal static string CompilePtx(MethodInfo kernel) => CompilePtx(kernel, CudaArchitecture.SM_80, CudaInstructionSet.ISA_80);

    internal static string CompilePtx(MethodInfo kernel, CudaArchitecture arch, CudaInstructionSet isa)
    {
        var entry = IsAutoGrouped(kernel)
            ? EntryPointDescription.FromImplicitlyGroupedKernel(kernel)
            : EntryPointDescription.FromExplicitlyGroupedKernel(kernel);
        PTXBackend backend;
        lock (Backends)
            if (!Backends.TryGetValue((arch, isa), out backend!))
                Backends[(arch, isa)] = backend = new PTXBackend(CompilerContext.Value, arch, isa, null!);
        lock (backend) return ((PTXCompiledKernel)backend.Compile(entry, KernelSpecialization.Empty)).PTXAssembly;
    }

    [Fact]
    public void ThereAreKernelsToCheck() => Assert.True(AllKernels().Count() >= 40, $"only {AllKernels().Count()} kernels found");

    [Theory]
    [MemberData(nameof(KernelNames))]
    public void CompilesToPtxWithoutExterns(string name)
    {
        var kernel = AllKernels().Single(m => Name(m) == name);
        string ptx = CompilePtx(kernel);
        Assert.Contains(".target sm_80", ptx);
        Assert.Contains(".entry", ptx);
        var externs = ptx.Split('\n').Where(l => l.Contains(".extern .func")).ToList();
        Assert.True(externs.Count == 0, $"{name}: unresolved externs:\n{string.Join("\n", externs)}");
        int locals = ptx.Split('\n').Count(l => l.Contains(".local"));
        output.WriteLine($"{name}: {ptx.Length} chars of PTX, {locals} .local declarations");
    }
}
