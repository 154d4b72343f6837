using System.Runtime.CompilerServices;
using FastRobust.Tensors;

namespace FastRobust.Shifts.Generation;

/// <summary>
/// The corruption kernels of each kind of backend. An assembly whose backend has kernels registers a factory for its
/// backend type when it registers its devices (FastRobust.Gpu's GpuDevices.Register), so the backend itself knows
/// nothing of corruptions. Each backend instance gets one set of kernels, made when first asked for.
/// </summary>
public static class CorruptionKernelRegistry
{
    private static readonly Dictionary<Type, Func<Backend, ICorruptionKernels>> Factories = new();
    private static readonly ConditionalWeakTable<Backend, ICorruptionKernels> Made = new();

    public static void Register<TBackend>(Func<TBackend, ICorruptionKernels> create) where TBackend : Backend
    {
        lock (Factories) Factories[typeof(TBackend)] = backend => create((TBackend)backend);
    }

    /// <summary>The kernels of <paramref name="backend"/>, or null where corruptions run on the host only.</summary>
    public static ICorruptionKernels? For(Backend? backend)
    {
        if (backend is null) return null;
        lock (Factories)
        {
            if (Made.TryGetValue(backend, out var kernels)) return kernels;
            if (!Factories.TryGetValue(backend.GetType(), out var create)) return null;
            kernels = create(backend);
            Made.Add(backend, kernels);
            return kernels;
        }
    }
}
