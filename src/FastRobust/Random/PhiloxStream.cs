namespace FastRobust.Random;

/// <summary>
/// A position in one Philox stream: each fill of n values takes the next ⌈n/4⌉ counters, so a run that makes the
/// same sequence of random fills gets the same numbers on every backend.
/// </summary>
public sealed class PhiloxStream(ulong seed, ulong stream)
{
    public ulong Seed { get; } = seed;
    public ulong Stream { get; } = stream;
    public ulong Offset { get; private set; }

    /// <summary>Reserves counters for n values and returns the first counter.</summary>
    public ulong Take(long n)
    {
        ulong start = Offset;
        Offset += (ulong)((n + 3) / 4);
        return start;
    }

    public uint NextUInt() => Philox.Lane(Seed, Stream, Take(4), 0);

    /// <summary>Uniform integer in [0, n).</summary>
    public int NextInt(int n) => Philox.Below(NextUInt(), n);

    /// <summary>A random permutation of 0..n−1 (Fisher–Yates).</summary>
    public int[] Permutation(int n)
    {
        var p = new int[n];
        for (int i = 0; i < n; i++) p[i] = i;
        for (int i = n - 1; i > 0; i--)
        {
            int j = (int)((ulong)NextUInt() * (ulong)(i + 1) >> 32);
            (p[i], p[j]) = (p[j], p[i]);
        }
        return p;
    }
}
