namespace FastRobust.Shifts.Generation;

/// <summary>
/// A device's corruption kernels: the same bytes as <see cref="Corruptions.ApplyBytes(Corruption, int, ReadOnlySpan{byte}, int, ImageShape, ulong, long)"/>
/// for the corruptions it <see cref="Supports"/>. A backend's kernels are found through
/// <see cref="CorruptionKernelRegistry"/>; <see cref="Corruptions"/> falls back to the host for the rest.
/// </summary>
public interface ICorruptionKernels
{
    /// <summary>Whether a kernel runs this corruption on images of this shape (else the host does).</summary>
    bool Supports(Corruption corruption, ImageShape shape);

    /// <summary>8-bit NCHW in, 8-bit NCHW out; image i draws as image <paramref name="firstIndex"/> + i of its set.</summary>
    byte[] ApplyBytes(Corruption corruption, int severity, ReadOnlySpan<byte> images, int n, ImageShape shape, ulong seed, long firstIndex = 0);
}
