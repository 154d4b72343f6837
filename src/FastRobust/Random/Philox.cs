namespace FastRobust.Random;

/// <summary>
/// Philox-4x32-10 (Salmon et al., "Parallel random numbers: as easy as 1, 2, 3", SC 2011): a counter-based
/// generator, so element i of any random fill is a pure function of (seed, stream, counter) and every backend
/// (CPU loops, ILGPU kernels) produces the same numbers. Written with plain uint arithmetic so the GPU
/// kernels can call it unchanged.
/// The 128-bit counter is (offset low, offset high, stream low, stream high); the key is the seed.
/// </summary>
public static class Philox
{
    private const uint M0 = 0xD2511F53, M1 = 0xCD9E8D57, W0 = 0x9E3779B9, W1 = 0xBB67AE85;

    /// <summary>Lane <paramref name="lane"/> (0..3) of the block at counter <paramref name="offset"/>.</summary>
    public static uint Lane(ulong seed, ulong stream, ulong offset, int lane)
    {
        Block(seed, stream, offset, out uint r0, out uint r1, out uint r2, out uint r3);
        return lane == 0 ? r0 : lane == 1 ? r1 : lane == 2 ? r2 : r3;
    }

    public static void Block(ulong seed, ulong stream, ulong offset, out uint r0, out uint r1, out uint r2, out uint r3)
    {
        uint c0 = (uint)offset, c1 = (uint)(offset >> 32), c2 = (uint)stream, c3 = (uint)(stream >> 32);
        uint k0 = (uint)seed, k1 = (uint)(seed >> 32);
        for (int round = 0; round < 10; round++)
        {
            ulong p0 = (ulong)M0 * c0;
            ulong p1 = (ulong)M1 * c2;
            uint hi0 = (uint)(p0 >> 32), lo0 = (uint)p0, hi1 = (uint)(p1 >> 32), lo1 = (uint)p1;
            uint n0 = hi1 ^ c1 ^ k0, n2 = hi0 ^ c3 ^ k1;
            c0 = n0; c1 = lo1; c2 = n2; c3 = lo0;
            k0 += W0; k1 += W1;
        }
        r0 = c0; r1 = c1; r2 = c2; r3 = c3;
    }

    /// <summary>Uniform in [0, 1) with 24 random bits (exactly representable in float32).</summary>
    public static float ToUnit(uint u) => (u >> 8) * (1.0f / 16777216.0f);

    /// <summary>Uniform in (0, 1]: safe for log.</summary>
    public static float ToUnitOpenLow(uint u) => ((u >> 8) + 1) * (1.0f / 16777216.0f);

    /// <summary>Uniform float for element i of a fill.</summary>
    public static float Uniform(ulong seed, ulong stream, ulong offset, long i) =>
        ToUnit(Lane(seed, stream, offset + (ulong)(i >> 2), (int)(i & 3)));

    /// <summary>
    /// Standard normal for element i: Box–Muller on lanes (0, 1) for elements 4b, 4b+1 and on lanes (2, 3)
    /// for 4b+2, 4b+3 (cosine for the even element, sine for the odd one).
    /// </summary>
    public static float Normal(ulong seed, ulong stream, ulong offset, long i)
    {
        Block(seed, stream, offset + (ulong)(i >> 2), out uint r0, out uint r1, out uint r2, out uint r3);
        int lane = (int)(i & 3);
        uint ua = lane < 2 ? r0 : r2, ub = lane < 2 ? r1 : r3;
        return BoxMuller(ua, ub, (lane & 1) == 1);
    }

    public static float BoxMuller(uint ua, uint ub, bool sine)
    {
        double radius = Math.Sqrt(-2.0 * Math.Log(ToUnitOpenLow(ua)));
        double angle = 2.0 * Math.PI * ToUnit(ub);
        return (float)(radius * (sine ? Math.Sin(angle) : Math.Cos(angle)));
    }

    /// <summary>Uniform integer in [0, n) (n ≤ 2^24) by scaling 24 random bits.</summary>
    public static int Below(uint u, int n) => (int)(((ulong)(u >> 8) * (ulong)n) >> 24);
}
