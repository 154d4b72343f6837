using FastRobust.Gpu;
using TDevice = FastRobust.Tensors.Device;

namespace FastRobust.Bench;

/// <summary>
/// The devices the suite measures: always cpu; cuda only when the GPU backend is in this build and a CUDA device
/// answers. Without one the cuda cases are simply not generated (a line in the log says why), so the suite runs
/// unchanged on CPU-only CI. Both the host process (which lists the cases) and each benchmark process (which opens
/// the device) register the GPU backend first.
/// </summary>
public static class BenchDevices
{
    /// <summary>Makes "cuda" known to <see cref="TDevice.Parse"/> (idempotent).</summary>
    public static void Register() => GpuDevices.Register();

    /// <summary>Opens a device by name, after registering the GPU backend.</summary>
    public static TDevice Open(string name)
    {
        Register();
        return TDevice.Parse(name);
    }

    private static readonly Lazy<(string[] Names, string? CudaAbsent)> Found = new(Probe);

    /// <summary>The value list of every benchmark's Device parameter.</summary>
    public static IEnumerable<string> Available => Found.Value.Names;

    /// <summary>Why there are no cuda cases, or null when there are.</summary>
    public static string? CudaAbsentReason => Found.Value.CudaAbsent;

    private static (string[], string?) Probe()
    {
        try
        {
            Open("cuda");
            return (["cpu", "cuda"], null);
        }
        catch (Exception e) when (e is FastRobust.Util.InputException or ArgumentException or InvalidOperationException or NotSupportedException or DllNotFoundException
                                      or TypeInitializationException)
        {
            return (["cpu"], e.Message);
        }
    }
}
