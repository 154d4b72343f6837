using FastRobust.Tests.OpsTests.Reference;
using Xunit;

namespace FastRobust.Tests.OpsTests;

/// <summary>The reference is only worth something if it is right: pin its special functions to published values.</summary>
public class ReferenceSelfTests
{
    [Theory]
    [InlineData(0.1, 0.1124629160182849, 0.8875370839817152)]
    [InlineData(0.5, 0.5204998778130465, 0.4795001221869535)]
    [InlineData(1.0, 0.8427007929497149, 0.15729920705028513)]
    [InlineData(2.0, 0.9953222650189527, 0.004677734981047265)]
    [InlineData(2.99, 0.9999764743969194, 2.3525603080640195e-05)]
    [InlineData(3.0, 0.9999779095030014, 2.2090496998585438e-05)]
    [InlineData(3.01, 0.9999792610363629, 2.073896363713263e-05)]
    [InlineData(4.0, 0.9999999845827421, 1.541725790028002e-08)]
    [InlineData(5.0, 0.9999999999984626, 1.5374597944280351e-12)]
    [InlineData(6.0, 1.0, 2.1519736712498916e-17)]
    public void ErfMatchesPublishedValues(double x, double erf, double erfc)
    {
        Assert.InRange(Math.Abs(RefErf.Erf(x) - erf), 0, 1e-14);
        Assert.InRange(Math.Abs(RefErf.Erf(-x) + erf), 0, 1e-14);
        // erfc relative: the tail is what GELU of negative inputs depends on
        Assert.InRange(Math.Abs(RefErf.Erfc(x) - erfc) / erfc, 0, 1e-12);
        Assert.InRange(Math.Abs(RefErf.Erfc(-x) - (2 - erfc)), 0, 1e-14);
    }

    [Fact]
    public void GeluMatchesKnownValues()
    {
        // x·Φ(x) with Φ(1) = 0.841344746068543, Φ(−3) = 0.00134989803163009
        Assert.InRange(Math.Abs(Ref.Gelu(1.0) - 0.841344746068543), 0, 1e-14);
        Assert.InRange(Math.Abs(Ref.Gelu(-3.0) - -3 * 0.00134989803163009), 0, 1e-15);
        Assert.Equal(0.0, Ref.Gelu(0.0));
    }

    [Fact]
    public void ConvWithCentredDeltaKernelIsIdentity()
    {
        // a 3×3 kernel with a single 1 in the middle, padding 1, stride 1 reproduces the image
        var x = Enumerable.Range(0, 2 * 7 * 5).Select(i => (double)i).ToArray();
        var w = new double[9];
        w[4] = 1;
        var y = Ref.Conv2d(x, 2, 1, 7, 5, w, 1, 3, 3, null, 1, 1, 1, 1, out int oh, out int ow);
        Assert.Equal((7, 5), (oh, ow));
        Assert.Equal(x, y);
    }
}
