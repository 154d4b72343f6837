using System.Reflection;
using FastRobust.Kernels;
using ILGPU;
using ILGPU.Backends.EntryPoints;
using ILGPU.Backends.PTX;
using ILGPU.Runtime;
using ILGPU.Runtime.CPU;
using ILGPU.Runtime.Cuda;

namespace FastRobust.Gpu;

/// <summary>
/// The PTX that ILGPU makes of a kernel in kernels/, without a GPU: for the PTX and SASS checks in
/// tests/FastRobust.Gpu.Tests and for tools/PtxDump, which writes it to files for reading.
/// </summary>
public static class KernelPtx
{
    /// <summary>Every method marked [Kernel] in kernels/, by <see cref="Name"/>.</summary>
    public static IEnumerable<MethodInfo> All() =>
        typeof(KernelAttribute).Assembly.GetTypes()
            .SelectMany(t => t.GetMethods(BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Static))
            .Where(m => m.GetCustomAttribute<KernelAttribute>() != null)
            .OrderBy(Name);

    /// <summary>Class.Method.</summary>
    public static string Name(MethodInfo m) => m.DeclaringType!.Name + "." + m.Name;

    /// <summary>A kernel taking an ILGPU index (Index1D, ...) first is launched implicitly grouped; the others take a KernelConfig.</summary>
    private static bool IsAutoGrouped(MethodInfo m) =>
        m.GetParameters() is [var first, ..] && first.ParameterType.GetInterfaces().Any(i => i.Name.StartsWith("IIntIndex", StringComparison.Ordinal));

    /// <summary>One context (the kernels' optimisation level, as GpuDevices opens it) and one PTX backend per target.</summary>
    private static readonly Lazy<Context> CompilerContext = new(() => Context.Create(b => b.CPU().Optimize(OptimizationLevel.O2)));

    private static readonly Dictionary<(CudaArchitecture, CudaInstructionSet), PTXBackend> Backends = new();

    /// <summary>PTX for an A100 (sm_80, ISA 8.0).</summary>
    public static string Compile(MethodInfo kernel) => Compile(kernel, CudaArchitecture.SM_80, CudaInstructionSet.ISA_80);

    public static string Compile(MethodInfo kernel, CudaArchitecture arch, CudaInstructionSet isa)
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
}
