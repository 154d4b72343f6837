namespace FastRobust.Kernels;

/// <summary>
/// The host's small conversions (src/FastRobust/Shifts/Generation/Corruption.cs, CorruptionRandom.cs, Corruptions.Quantize) as
/// kernel code, so every corruption kernel ends an image the way the host does.
/// </summary>
public static class CorruptionMath
{
    /// <summary>Corruption.Out then Corruptions.Quantize: np.uint8(np.clip(v, 0, 1) * 255), a truncation.</summary>
    public static byte Out(double v) => Quantize((v < 0 ? 0 : v > 1 ? 1 : v) * 255);

    /// <summary>Corruption.Out32 then Quantize: the clip and the scaling in float32, as where the original's image is float32.</summary>
    public static byte Out32(float v) => Quantize((v < 0f ? 0f : v > 1f ? 1f : v) * 255f);

    /// <summary>Corruptions.Quantize: np.uint8's truncation of a value in [0, 255].</summary>
    public static byte Quantize(double o) => o >= 255 ? (byte)255 : o > 0 ? (byte)o : (byte)0;

    /// <summary>Math.Round(v) (.NET's default: halves to even) in plain arithmetic.</summary>
    public static double RoundEven(double v)
    {
        // v − ⌊v⌋ is exact (no v + 0.5, which rounds up just below a half); a tie goes to the even neighbour
        double r = Math.Floor(v), f = v - r;
        return f > 0.5 || (f == 0.5 && r - 2 * Math.Floor(r * 0.5) == 1) ? r + 1 : r;
    }

    /// <summary>CorruptionRandom.ToDouble: (a >> 5, b >> 6) as a 53-bit fraction in [0, 1).</summary>
    public static double ToDouble(uint a, uint b) => ((a >> 5) * 67108864.0 + (b >> 6)) / 9007199254740992.0;

    /// <summary>CorruptionRandom.Uniform: lanes 0 and 1 of the Philox block at <paramref name="counter"/> (field offset + index) as a double in [0, 1).</summary>
    public static double Uniform(ulong seed, ulong stream, ulong counter)
    {
        Random.Philox.Block(seed, stream, counter, out uint r0, out uint r1, out _, out _);
        return ToDouble(r0, r1);
    }

    /// <summary>CorruptionRandom.Normals: normal i of the field starting at <paramref name="offset"/> (Box–Muller on the block's lane pairs, KMath).</summary>
    public static float Normal(ulong seed, ulong stream, ulong offset, int i)
    {
        Random.Philox.Block(seed, stream, offset + (ulong)(i >> 2), out uint r0, out uint r1, out uint r2, out uint r3);
        int lane = i & 3;
        return lane < 2 ? KMath.BoxMuller(r0, r1, lane == 1) : KMath.BoxMuller(r2, r3, lane == 3);
    }

    /// <summary>CorruptionRandom.FieldOffset: the first counter of a named field of draws.</summary>
    public static ulong FieldOffset(int field) => (ulong)field << 40;
}
