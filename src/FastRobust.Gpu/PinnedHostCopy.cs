using System.Runtime.CompilerServices;
using ILGPU;
using ILGPU.Runtime;

namespace FastRobust.Gpu;

/// <summary>
/// Synchronous copies between host spans and device views that pin the host memory for the copy. ILGPU's
/// CopyFromCPU/CopyToCPU take a <c>ref</c> to the host data and turn it into a raw address without pinning it
/// (their parameter is documented as "the base address of the pinned CPU buffer"), then allocate a wrapper object
/// before copying: a garbage collection triggered by that allocation can move a managed array, and the copy then
/// reads from, or writes into, memory the array no longer occupies. This was seen: one frost check in a long test
/// run found every value wrong, its small plate table moved under the copy.
/// </summary>
internal static unsafe class PinnedHostCopy
{
    public static void ToDevice<T>(ArrayView<T> target, AcceleratorStream stream, ReadOnlySpan<T> source) where T : unmanaged
    {
        if (source.Length == 0) return;
        fixed (T* p = source) target.SubView(0, source.Length).CopyFromCPU(stream, ref Unsafe.AsRef<T>(p), source.Length);
    }

    public static void ToHost<T>(ArrayView<T> source, AcceleratorStream stream, Span<T> target) where T : unmanaged
    {
        if (target.Length == 0) return;
        fixed (T* p = target) source.SubView(0, target.Length).CopyToCPU(stream, ref Unsafe.AsRef<T>(p), target.Length);
    }
}
