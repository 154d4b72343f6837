using FastRobust.Shifts.Generation;

namespace FastRobust.Gpu;

/// <summary>
/// Launches the kernels of one corruption (or of a family sharing kernels) over a <see cref="CorruptionBatch"/>, on
/// the backend's stream without waiting. Its kernels must write the host's bytes for every image of the batch;
/// tests/FastRobust.Gpu.Tests/Shifts checks that against <see cref="Corruptions.ApplyBytes(Corruption, int, ReadOnlySpan{byte}, int, ImageShape, ulong, long)"/>.
/// </summary>
internal abstract class CorruptionLauncher
{
    /// <summary>The corruptions (by <see cref="Corruption.Name"/>) this launcher runs.</summary>
    public abstract IReadOnlyList<string> Names { get; }

    /// <summary>Whether the kernels handle images of this shape (e.g. a per-image kernel with fixed local arrays).</summary>
    public virtual bool Supports(ImageShape shape) => true;

    public abstract void Launch(CorruptionBatch batch);
}
