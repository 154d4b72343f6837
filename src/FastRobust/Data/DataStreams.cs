namespace FastRobust.Data;

/// <summary>
/// Philox stream ids used by the data layer. Far from the small ids that weight initialisation and dropout use,
/// so the data order never shares random numbers with a model, whatever seed both are given.
/// </summary>
public static class DataStreams
{
    /// <summary>The train/validation split.</summary>
    public const ulong Split = 0xDA7A_0000_0000_0001;

    private const ulong ShuffleBase = 0xDA7A_0001_0000_0000;
    private const ulong AugmentBase = 0xDA7A_0002_0000_0000;

    /// <summary>The order of epoch <paramref name="epoch"/>: one stream per epoch, so any epoch can be replayed alone.</summary>
    public static ulong Shuffle(int epoch) => ShuffleBase + (uint)epoch;

    /// <summary>The crops and flips of epoch <paramref name="epoch"/>.</summary>
    public static ulong Augment(int epoch) => AugmentBase + (uint)epoch;
}
