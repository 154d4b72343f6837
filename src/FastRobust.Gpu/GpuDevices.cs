using FastRobust.Shifts.Generation;
using FastRobust.Tensors;
using ILGPU;
using ILGPU.Runtime;
using Device = FastRobust.Tensors.Device;
using ILGPU.Runtime.CPU;
using ILGPU.Runtime.Cuda;

namespace FastRobust.Gpu;

/// <summary>
/// Registers the ILGPU devices with the core: "cuda" (the first CUDA GPU) and "ilgpu-cpu" (the same kernels on
/// ILGPU's CPU accelerator, for tests). One ILGPU context and one accelerator per device per process; each is
/// created when first opened, and the backend's corruption kernels. Call <see cref="Register"/> once at start-up (the CLI does).
/// </summary>
public static class GpuDevices
{
    /// <summary>
    /// The simulated device of "ilgpu-cpu": warps of 32 and groups of up to 64 threads (the tile kernels' group, so
    /// GEMM and convolution run exactly the code and shapes they run on a GPU; block reductions run with 64 threads
    /// instead of 256). ILGPU runs each simulated thread on an OS thread, so small groups keep the tests fast.
    /// </summary>
    public static readonly CPUDevice SimulatedDevice = new(numThreadsPerWarp: 32, numWarpsPerMultiprocessor: 2, numMultiprocessors: 1);

    // Profiling() lets a stream record markers, the fences of the upload ring (PinnedUploadRing); in ILGPU 1.5.3 the
    // flag changes nothing else on CUDA or the CPU accelerator (only OpenCL queues are created differently).
    private static readonly Lazy<Context> SharedContext = new(() =>
        Context.Create(b => b.Cuda().CPU(SimulatedDevice).Optimize(OptimizationLevel.O2).Profiling()));

    private static readonly Lazy<bool> CudaPresent = new(() =>
    {
        try
        {
            return SharedContext.Value.GetCudaDevices().Count > 0;
        }
        catch (Exception)
        {
            // no driver, a broken driver or an unsupported platform all mean the same here: no CUDA
            return false;
        }
    });

    private static int _registered;

    public static void Register()
    {
        if (Interlocked.Exchange(ref _registered, 1) != 0) return;
        Device.RegisterProvider("cuda", OpenCuda);
        Device.RegisterProvider("ilgpu-cpu", OpenSimulator);
        Device.CudaAvailable = () => CudaPresent.Value;
        // the CIFAR-10-C corruptions that have kernels (kernels/Corruptions/); the others run on the host
        CorruptionKernelRegistry.Register<IlgpuBackend>(backend => new GpuCorruptions(backend));
    }

    /// <summary>The context shared by both devices (for tools that compile kernels themselves).</summary>
    public static Context Context => SharedContext.Value;

    private static Device OpenCuda()
    {
        if (!CudaPresent.Value)
            throw new FastRobust.Util.InputException("device 'cuda' is not available: ILGPU finds no CUDA GPU or driver on this machine " +
                                        "(use --device cpu, or auto to pick CUDA only when present)");
        var accelerator = SharedContext.Value.GetCudaDevice(0).CreateAccelerator(SharedContext.Value);
        return new Device("cuda", new IlgpuBackend(accelerator));
    }

    private static Device OpenSimulator()
    {
        var accelerator = SharedContext.Value.GetCPUDevice(0).CreateAccelerator(SharedContext.Value);
        return new Device("ilgpu-cpu", new IlgpuBackend(accelerator));
    }

    /// <summary>One line naming the device, for logs and benchmark tables.</summary>
    public static string Describe(Device device) =>
        device.Backend is IlgpuBackend b
            ? $"{b.Accelerator.Name} ({b.Accelerator.AcceleratorType}, {b.Accelerator.NumMultiprocessors} multiprocessors, " +
              $"{b.Accelerator.MemorySize / (1L << 20)} MiB)"
            : device.Name;
}
