namespace FastRobust.Kernels;

/// <summary>
/// Marks a class of kernels that must write the host's bytes (the corruptions: the same images on every device). Their
/// float products that feed an add or a subtraction go through <see cref="Rounded.Mul(double, double)"/>: ptxas would
/// otherwise fuse the pair into one fma, which the host's .NET arithmetic never does.
/// tests/FastRobust.Gpu.Tests/PtxContractionTests checks every marked kernel's PTX for such a pair.
/// </summary>
[AttributeUsage(AttributeTargets.Class)]
public sealed class HostBytesAttribute : Attribute;
