using ILGPU;

namespace FastRobust.Kernels;

/// <summary>
/// Grid-stride loops: an element-parallel kernel is launched with a grid sized to the device (a few groups per
/// multiprocessor on a GPU, one group on ILGPU's CPU accelerator) and each thread walks the elements
/// i = Start, Start + Step, …. On a GPU this keeps every thread busy with coalesced accesses; on the CPU
/// accelerator, which runs each simulated thread as an OS thread, it keeps a launch to a few dozen thread
/// switches instead of one per element.
/// </summary>
public static class Stride
{
    public static int Start => Grid.IdxX * Group.DimX + Group.IdxX;

    public static int Step => Grid.DimX * Group.DimX;
}
