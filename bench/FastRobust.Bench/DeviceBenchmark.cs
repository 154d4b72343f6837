using BenchmarkDotNet.Attributes;
using FastRobust.Backends.Cpu;
using FastRobust.Gpu;
using TDevice = FastRobust.Tensors.Device;

namespace FastRobust.Bench;

/// <summary>
/// What every benchmark of the suite shares: the Device parameter, and the count of blocks the memory pools obtained
/// from the OS (CPU pool) or the driver (GPU pool) per operation in the steady state (after
/// <see cref="SteadyAfter"/> invocations), which BenchmarkDotNet's managed-allocation column cannot see. Every measured method calls <see cref="Tick"/> first and
/// ends with <see cref="Sync"/>, so a GPU run measures finished work, not queued launches.
/// </summary>
public abstract class DeviceBenchmark : IHasWork
{
    /// <summary>Invocations before the steady state: the first builds the working set, the second proves reuse.</summary>
    public const int SteadyAfter = 2;

    /// <summary>Set by <see cref="WorkloadDiagnoser"/> in the benchmark process: where to write the pool counts.</summary>
    public const string ReportVariable = "FASTROBUST_BENCH_POOL_REPORT";

    private long _ops;
    private long _poolAtSteady;

    [ParamsSource(nameof(Devices))]
    public string Device { get; set; } = "cpu";

    public static IEnumerable<string> Devices => BenchDevices.Available;

    protected TDevice Dev { get; private set; } = TDevice.Cpu;

    public abstract Work WorkOf(string method);

    /// <summary>Opens the device and builds the inputs; called from the class's [GlobalSetup].</summary>
    protected void OpenDevice()
    {
        Dev = BenchDevices.Open(Device);
        _ops = 0;
    }

    protected void Tick()
    {
        if (++_ops == SteadyAfter + 1) _poolAtSteady = PoolAllocations();
    }

    protected void Sync() => Dev.Backend.Synchronize();

    /// <summary>Blocks taken from the OS by the CPU pool, plus those taken from the driver by the GPU pool on a GPU.</summary>
    private long PoolAllocations() => CpuMemoryPool.Allocations + (Dev.Backend is IlgpuBackend gpu ? gpu.Allocations : 0);

    /// <summary>Writes "allocations operations" for the diagnoser; called from the class's [GlobalCleanup].</summary>
    protected void ReportPool()
    {
        string? path = Environment.GetEnvironmentVariable(ReportVariable);
        if (string.IsNullOrEmpty(path)) return;
        long steadyOps = _ops - SteadyAfter;
        long allocs = steadyOps > 0 ? PoolAllocations() - _poolAtSteady : 0;
        File.WriteAllText(path, FormattableString.Invariant($"{allocs} {Math.Max(0, steadyOps)}\n"));
    }
}
