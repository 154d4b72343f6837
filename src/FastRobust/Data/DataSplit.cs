using FastRobust.Random;
using FastRobust.Util;

namespace FastRobust.Data;

/// <summary>
/// A deterministic train/validation split: a Philox permutation of the indices from the seed; its first
/// <c>validation</c> entries are held out. Each part is returned in ascending index order so that it keeps the
/// source order (the loader shuffles anyway).
/// </summary>
public static class DataSplit
{
    public static (int[] Train, int[] Validation) Indices(int n, int validation, ulong seed)
    {
        if (n < 0) throw new ArgumentOutOfRangeException(nameof(n));
        if (validation < 0 || validation > n)
            throw new InputException($"validation size {validation} must lie between 0 and the {n} images available");
        int[] perm = new PhiloxStream(seed, DataStreams.Split).Permutation(n);
        int[] held = perm[..validation], kept = perm[validation..];
        Array.Sort(held);
        Array.Sort(kept);
        return (kept, held);
    }

    public static (Dataset Train, Dataset Validation) Split(Dataset data, int validation, ulong seed)
    {
        if (validation < 0 || validation > data.N)
            throw new InputException($"validation size {validation} must lie between 0 and the {data.N} images of {data.Name}");
        var (train, held) = Indices(data.N, validation, seed);
        return (data.Subset(train, data.Name + ":train"), data.Subset(held, data.Name + ":val"));
    }

    /// <summary>The validation size for a fraction of n (rounded to nearest).</summary>
    public static int CountFor(int n, double fraction)
    {
        if (!(fraction >= 0 && fraction <= 1)) throw new InputException($"validation fraction {fraction} must lie in [0, 1]");
        return (int)Math.Round(n * fraction, MidpointRounding.AwayFromZero);
    }
}
