using System.Runtime.CompilerServices;
using FastRobust.Tensors;

namespace FastRobust.Backends.Cpu;

/// <summary>
/// Installs <see cref="Device.Cpu"/> on this backend when the assembly loads. The tensor layer holds the default
/// device but must not name a backend above it; a module initializer runs before any other code of the assembly,
/// so every caller sees the device without a registration call (the GPU assembly, loaded only on demand, has
/// GpuDevices.Register instead).
/// </summary>
internal static class CpuDevice
{
#pragma warning disable CA2255 // a library's module initializer on purpose: the core's own default device
    [ModuleInitializer]
    internal static void Install() => Device.InstallCpu(new Device("cpu", new CpuBackend()));
#pragma warning restore CA2255
}
