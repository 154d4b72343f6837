namespace FastRobust.Tensors;

/// <summary>Where tensors live and which backend runs their ops.</summary>
public sealed class Device
{
    private static readonly Dictionary<string, Func<Device>> Providers = new();
    private static readonly Dictionary<string, Device> Opened = new();

    public Device(string name, Backend backend)
    {
        Name = name;
        Backend = backend;
    }

    /// <summary>"cpu", "cuda" or "ilgpu-cpu".</summary>
    public string Name { get; }

    public Backend Backend { get; }

    public bool IsCpu => Name == "cpu";

    private static Device? _cpu;

    /// <summary>
    /// The host's device, where tensors live unless told otherwise. The CPU backend installs it when the assembly
    /// loads (Backends/Cpu/CpuDevice.cs), as the GPU assembly registers its devices, so this layer names no backend.
    /// </summary>
    public static Device Cpu => _cpu ?? throw new InvalidOperationException("no CPU backend is installed");

    internal static void InstallCpu(Device cpu) => _cpu = cpu;

    /// <summary>The GPU backend registers "cuda" and "ilgpu-cpu" here, so the core has no ILGPU dependency.</summary>
    public static void RegisterProvider(string name, Func<Device> open)
    {
        lock (Providers) Providers[name] = open;
    }

    /// <summary>Is a CUDA device usable on this machine? Set by the GPU backend when it is loaded.</summary>
    public static Func<bool> CudaAvailable { get; set; } = () => false;

    /// <summary>Parses --device: auto, cpu, cuda or ilgpu-cpu.</summary>
    public static Device Parse(string name)
    {
        switch (name)
        {
            case "cpu": return Cpu;
            case "auto": return CudaAvailable() ? Parse("cuda") : Cpu;
            case "cuda":
            case "ilgpu-cpu":
                lock (Providers)
                {
                    if (Opened.TryGetValue(name, out var d)) return d;
                    if (!Providers.TryGetValue(name, out var open))
                        throw new Util.InputException($"device '{name}' is not available in this build (the ILGPU backend is not loaded)");
                    d = open();
                    Opened[name] = d;
                    return d;
                }
            default:
                throw new Util.InputException($"unknown device '{name}': expected auto, cpu, cuda or ilgpu-cpu");
        }
    }

    public override string ToString() => Name;
}
