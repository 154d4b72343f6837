using FastRobust.Random;

namespace FastRobust.DataRobustness;

/// <summary>
/// A class-balanced draw of the robust images: per class, <c>perClass</c> of its robust images uniformly without
/// replacement. A class with fewer robust images than that gives all it has, so the subset is then smaller and
/// no longer balanced; <see cref="Shortfall"/> names such classes so the caller can say so.
/// </summary>
public sealed class RobustSubset
{
    /// <summary>The Philox stream of the draw (class c draws from stream Stream + c).</summary>
    public const ulong Stream = 0x5542_5345_5400_0000UL; // "SUBSET"

    private RobustSubset(int[] indices, int[] available, int[] taken, int perClass) =>
        (Indices, Available, Taken, PerClass) = (indices, available, taken, perClass);

    /// <summary>The chosen images' indices in the set, ascending.</summary>
    public int[] Indices { get; }

    /// <summary>Robust images per class before the draw.</summary>
    public int[] Available { get; }

    /// <summary>Images drawn per class: min(perClass, available).</summary>
    public int[] Taken { get; }

    public int PerClass { get; }

    /// <summary>The classes with fewer robust images than <see cref="PerClass"/>.</summary>
    public int[] Shortfall => Enumerable.Range(0, Available.Length).Where(c => Available[c] < PerClass).ToArray();

    public static RobustSubset Draw(SchemeOutcome outcome, int classes, int perClass, ulong seed)
    {
        if (perClass < 1) throw new ArgumentOutOfRangeException(nameof(perClass));
        var byClass = Enumerable.Range(0, classes).Select(_ => new List<int>()).ToArray();
        for (int i = 0; i < outcome.N; i++)
            if (outcome.Robust(i)) byClass[outcome.Labels[i]].Add(i);
        var chosen = new List<int>();
        var taken = new int[classes];
        for (int c = 0; c < classes; c++)
        {
            var pool = byClass[c].ToArray();
            int m = Math.Min(perClass, pool.Length);
            // partial Fisher–Yates: the first m entries become a uniform draw without replacement
            for (int j = 0; j < m && m < pool.Length; j++)
            {
                int r = j + Philox.Below(Philox.Lane(seed, Stream + (ulong)c, (ulong)j, 0), pool.Length - j);
                (pool[j], pool[r]) = (pool[r], pool[j]);
            }
            chosen.AddRange(pool.Take(m));
            taken[c] = m;
        }
        chosen.Sort();
        return new RobustSubset([.. chosen], byClass.Select(l => l.Count).ToArray(), taken, perClass);
    }
}
