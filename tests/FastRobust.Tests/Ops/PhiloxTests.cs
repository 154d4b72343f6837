using FastRobust.Random;
using FastRobust.Tensors;
using Xunit;

namespace FastRobust.Tests.OpsTests;

/// <summary>
/// Philox-4x32-10 against the known-answer vectors of Random123 (kat_vectors), and the fills built on it.
/// Our counter words are (offset low, offset high, stream low, stream high) and the key is (seed low, seed high).
/// </summary>
public class PhiloxTests
{
    private static ulong U64(uint lo, uint hi) => ((ulong)hi << 32) | lo;

    [Theory]
    [InlineData(0u, 0u, 0u, 0u, 0u, 0u, 0x6627e8d5u, 0xe169c58du, 0xbc57ac4cu, 0x9b00dbd8u)]
    [InlineData(0xffffffffu, 0xffffffffu, 0xffffffffu, 0xffffffffu, 0xffffffffu, 0xffffffffu, 0x408f276du, 0x41c83b0eu, 0xa20bc7c6u, 0x6d5451fdu)]
    [InlineData(0x243f6a88u, 0x85a308d3u, 0x13198a2eu, 0x03707344u, 0xa4093822u, 0x299f31d0u, 0xd16cfe09u, 0x94fdccebu, 0x5001e420u, 0x24126ea1u)]
    public void KnownAnswerVectors(uint c0, uint c1, uint c2, uint c3, uint k0, uint k1, uint r0, uint r1, uint r2, uint r3)
    {
        Philox.Block(U64(k0, k1), U64(c2, c3), U64(c0, c1), out uint o0, out uint o1, out uint o2, out uint o3);
        Assert.Equal((r0, r1, r2, r3), (o0, o1, o2, o3));
        Assert.Equal(r2, Philox.Lane(U64(k0, k1), U64(c2, c3), U64(c0, c1), 2));
    }

    [Fact]
    public void FillUniformEqualsPhiloxUniformPerElement()
    {
        // n not a multiple of 4 and a non-zero counter offset: element i uses counter offset + i/4, lane i%4
        const int n = 1027;
        using var t = Tensor.Empty([n]);
        Device.Cpu.Backend.FillUniform(t.Buffer, n, 99, 5, 17, -2f, 3f);
        var v = t.ToArray();
        for (int i = 0; i < n; i++)
            Assert.Equal(-2f + 5f * Philox.Uniform(99, 5, 17, i), v[i]);
    }

    [Fact]
    public void FillNormalEqualsPhiloxNormalPerElement()
    {
        const int n = 1029;
        using var t = Tensor.Empty([n]);
        Device.Cpu.Backend.FillNormal(t.Buffer, n, 7, 3, 11, 0.5f, 2f);
        var v = t.ToArray();
        for (int i = 0; i < n; i++)
            Assert.Equal(0.5f + 2f * Philox.Normal(7, 3, 11, i), v[i], 6);
    }

    [Fact]
    public void UniformStatistics()
    {
        const int n = 1 << 17;
        using var t = Tensor.Uniform([n], 0f, 1f, 1234, 0);
        var v = t.ToArray().Select(x => (double)x).ToArray();
        Assert.All(v, x => Assert.InRange(x, 0.0, 1.0 - 1e-9));
        double mean = v.Average(), var = v.Sum(x => (x - mean) * (x - mean)) / (n - 1);
        // standard errors: mean sqrt(1/12/n) ≈ 8e-4; variance sqrt((1/80 − 1/144)/n) ≈ 2.1e-4; allow five
        Assert.InRange(mean, 0.5 - 5 * 8e-4, 0.5 + 5 * 8e-4);
        Assert.InRange(var, 1 / 12.0 - 5 * 2.1e-4, 1 / 12.0 + 5 * 2.1e-4);
    }

    [Fact]
    public void NormalStatistics()
    {
        const int n = 1 << 17;
        using var t = Tensor.Normal([n], 1f, 3f, 4321, 2);
        var v = t.ToArray().Select(x => (double)x).ToArray();
        double mean = v.Average(), var = v.Sum(x => (x - mean) * (x - mean)) / (n - 1);
        double skew = v.Sum(x => Math.Pow((x - mean) / 3, 3)) / n;
        // mean: 3/sqrt(n) ≈ 8.3e-3; variance: 9·sqrt(2/n) ≈ 0.035; skewness: sqrt(6/n) ≈ 6.8e-3; allow five
        Assert.InRange(mean, 1 - 5 * 8.3e-3, 1 + 5 * 8.3e-3);
        Assert.InRange(var, 9 - 5 * 0.035, 9 + 5 * 0.035);
        Assert.InRange(skew, -5 * 6.8e-3, 5 * 6.8e-3);
    }

    [Fact]
    public void StreamsAndSeedsAreIndependent()
    {
        using var a = Tensor.Uniform([64], 0f, 1f, 1, 0);
        using var b = Tensor.Uniform([64], 0f, 1f, 1, 1);
        using var c = Tensor.Uniform([64], 0f, 1f, 2, 0);
        using var a2 = Tensor.Uniform([64], 0f, 1f, 1, 0);
        Assert.Equal(a.ToArray(), a2.ToArray());
        Assert.NotEqual(a.ToArray(), b.ToArray());
        Assert.NotEqual(a.ToArray(), c.ToArray());
    }

    [Fact]
    public void StreamTakesConsecutiveCounterBlocks()
    {
        var s = new PhiloxStream(5, 6);
        Assert.Equal(0ul, s.Take(5));   // 5 values: 2 counters
        Assert.Equal(2ul, s.Take(4));   // 4 values: 1 counter
        Assert.Equal(3ul, s.Take(1));
        Assert.Equal(4ul, s.Offset);
    }
}
