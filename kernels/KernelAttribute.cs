namespace FastRobust.Kernels;

/// <summary>
/// Marks an ILGPU entry point. The PTX test enumerates every method carrying it and compiles each for sm_80,
/// so a kernel cannot be added without being proven to compile with no unresolved externs. A kernel whose first
/// parameter is an index (Index1D…) is auto-grouped; any other is explicitly grouped (launched with a KernelConfig).
/// </summary>
[AttributeUsage(AttributeTargets.Method, AllowMultiple = false)]
public sealed class KernelAttribute : Attribute;
