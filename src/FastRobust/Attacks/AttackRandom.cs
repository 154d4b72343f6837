using FastRobust.Random;
using FastRobust.Tensors;

namespace FastRobust.Attacks;

/// <summary>What a random draw is for; each purpose (and restart or step) gets its own Philox stream.</summary>
internal enum RandomPurpose : ulong
{
    Target = 1,
    PgdStart = 2,
    PgdStartRadius = 3,
    ApgdStart = 4,
    SquareInit = 5,
    SquareStep = 6,
    RandomPixels = 7,
    Gaussian = 8,
    ApgdTargetedStart = 9,
    FabStart = 10,
}

/// <summary>
/// Per-sample randomness: a draw of n values for sample g (its index in the whole evaluated set) uses
/// Philox(seed, stream, counters g·⌈n/4⌉ …), where stream = SplitMix64(base ⊕ purpose·2⁴⁸ ⊕ index) mixes the
/// caller's stream with the purpose and a restart or step index. Every sample's numbers are thus fixed by
/// (seed, sample index) alone: batch size and the other samples do not matter, and the PyTorch reference
/// (attack_reference.py) draws the very same numbers.
/// </summary>
internal static class AttackRandom
{
    public static ulong Stream(PhiloxStream rng, RandomPurpose purpose, long index = 0) =>
        SplitMix64(rng.Stream ^ ((ulong)purpose << 48) ^ (ulong)index);

    public static ulong SplitMix64(ulong x)
    {
        ulong z = x + 0x9E3779B97F4A7C15UL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }

    /// <summary>First counter of sample g's draw of n values.</summary>
    public static ulong Offset(long g, long n) => (ulong)g * (ulong)((n + 3) / 4);

    /// <summary>
    /// Fills slot s (rows of <paramref name="rowSize"/> values) of <paramref name="dst"/> with uniform values in
    /// [lo, hi) drawn for sample globalIndex(s), on the device.
    /// </summary>
    public static void Uniform(Tensor dst, int count, Func<int, long> globalIndex, ulong seed, ulong stream, float lo, float hi) =>
        Uniform(dst, count, globalIndex, seed, _ => stream, lo, hi);

    /// <summary>As <see cref="Uniform"/> with a stream per slot (APGD-T's targets each draw their own start).</summary>
    public static void Uniform(Tensor dst, int count, Func<int, long> globalIndex, ulong seed, Func<int, ulong> stream, float lo, float hi) =>
        FillRows(dst, count, globalIndex, (b, buffer, n, offset, s) => b.FillUniform(buffer, n, seed, stream(s), offset, lo, hi));

    /// <summary>As <see cref="Uniform"/> with normal values.</summary>
    public static void Normal(Tensor dst, int count, Func<int, long> globalIndex, ulong seed, ulong stream, float mean, float std) =>
        Normal(dst, count, globalIndex, seed, _ => stream, mean, std);

    /// <summary>As <see cref="Normal"/> with a stream per slot.</summary>
    public static void Normal(Tensor dst, int count, Func<int, long> globalIndex, ulong seed, Func<int, ulong> stream, float mean, float std) =>
        FillRows(dst, count, globalIndex, (b, buffer, n, offset, s) => b.FillNormal(buffer, n, seed, stream(s), offset, mean, std));

    /// <summary>Row s of dst: n values drawn by <paramref name="fill"/> at the Philox offset of sample globalIndex(s), through one scratch row.</summary>
    private static void FillRows(Tensor dst, int count, Func<int, long> globalIndex, Action<Backend, FloatBuffer, long, ulong, int> fill)
    {
        long rowSize = dst.Count / dst.Shape[0];
        using var tmp = Tensor.Empty([(int)rowSize], dst.Device);
        var b = dst.Device.Backend;
        for (int s = 0; s < count; s++)
        {
            fill(b, tmp.Buffer, rowSize, Offset(globalIndex(s), rowSize), s);
            b.Copy(tmp.Buffer, 0, dst.Buffer, s * rowSize, rowSize);
        }
    }

    /// <summary>Raw 32-bit values i = 0 … n−1 of sample g's draw (host side; lane i mod 4 of counter Offset(g, n) + i/4).</summary>
    public static void Bits(Span<uint> dst, ulong seed, ulong stream, long g)
    {
        ulong first = Offset(g, dst.Length);
        for (int i = 0; i < dst.Length; i += 4)
        {
            Philox.Block(seed, stream, first + (ulong)(i / 4), out uint r0, out uint r1, out uint r2, out uint r3);
            dst[i] = r0;
            if (i + 1 < dst.Length) dst[i + 1] = r1;
            if (i + 2 < dst.Length) dst[i + 2] = r2;
            if (i + 3 < dst.Length) dst[i + 3] = r3;
        }
    }
}
