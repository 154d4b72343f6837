using FastRobust.Random;

namespace FastRobust.Shifts.Generation;

/// <summary>
/// The random numbers of one image under one corruption and severity: Philox-4x32-10 keyed by the seed, on the
/// stream (corruption + 1)·2⁵⁶ + severity·2⁴⁸ + image index, each named field of draws starting at counter
/// field·2⁴⁰. A pixel's noise is a pure function of (seed, corruption, severity, image index in the set, field,
/// element), so results do not depend on batching, threads or device, and a GPU kernel computes the same numbers.
/// </summary>
public readonly struct CorruptionRandom
{
    public CorruptionRandom(ulong seed, int corruption, int severity, long image)
    {
        if ((ulong)image >= 1UL << 48) throw new ArgumentOutOfRangeException(nameof(image), "image index must be below 2^48");
        Seed = seed;
        Stream = ((ulong)(corruption + 1) << 56) | ((ulong)severity << 48) | (ulong)image;
    }

    public ulong Seed { get; }
    public ulong Stream { get; }

    public static ulong FieldOffset(int field) => (ulong)field << 40;

    /// <summary>Standard normal number i of a field (Philox.Normal: Box–Muller on lane pairs, float).</summary>
    public float Normal(int field, long i) => Philox.Normal(Seed, Stream, FieldOffset(field), i);

    /// <summary>Fills <paramref name="dst"/> with normals 0..n−1 of a field, one Philox block per four.</summary>
    public void Normals(int field, Span<float> dst)
    {
        ulong offset = FieldOffset(field);
        int n = dst.Length, i = 0;
        for (; i + 4 <= n; i += 4)
        {
            Philox.Block(Seed, Stream, offset + (ulong)(i >> 2), out uint r0, out uint r1, out uint r2, out uint r3);
            // Philox.BoxMuller's expressions, with each pair's radius and angle computed once
            double radius = Math.Sqrt(-2.0 * Math.Log(Philox.ToUnitOpenLow(r0))), angle = 2.0 * Math.PI * Philox.ToUnit(r1);
            dst[i] = (float)(radius * Math.Cos(angle));
            dst[i + 1] = (float)(radius * Math.Sin(angle));
            radius = Math.Sqrt(-2.0 * Math.Log(Philox.ToUnitOpenLow(r2)));
            angle = 2.0 * Math.PI * Philox.ToUnit(r3);
            dst[i + 2] = (float)(radius * Math.Cos(angle));
            dst[i + 3] = (float)(radius * Math.Sin(angle));
        }
        for (; i < n; i++) dst[i] = Philox.Normal(Seed, Stream, offset, i);
    }

    /// <summary>Uniform double in [0, 1) number i of a field: 53 bits from lanes 0 and 1 of block i (NumPy's construction).</summary>
    public double Uniform(int field, long i)
    {
        Philox.Block(Seed, Stream, FieldOffset(field) + (ulong)i, out uint r0, out uint r1, out _, out _);
        return ToDouble(r0, r1);
    }

    /// <summary>The four raw lanes of block i of a field.</summary>
    public void Block(int field, long i, out uint r0, out uint r1, out uint r2, out uint r3) =>
        Philox.Block(Seed, Stream, FieldOffset(field) + (ulong)i, out r0, out r1, out r2, out r3);

    /// <summary>(a >> 5, b >> 6) as a 53-bit fraction.</summary>
    public static double ToDouble(uint a, uint b) => ((a >> 5) * 67108864.0 + (b >> 6)) / 9007199254740992.0;
}
