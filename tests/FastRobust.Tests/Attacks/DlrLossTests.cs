using FastRobust.Attacks;
using Xunit;

namespace FastRobust.Tests.Attacks;

/// <summary>
/// The DLR losses against a float64 reference written here from autopgd_base.py's formulas (a full sort of the logits),
/// and their logit gradients against central finite differences of that reference.
/// </summary>
public class DlrLossTests
{
    /// <summary>autopgd_base.py's dlr_loss in double: sort ascending, the top is y or not.</summary>
    private static double Reference(double[] z, int y)
    {
        var s = z.OrderBy(v => v).ToArray();
        int top = Array.IndexOf(z, s[^1]);
        double other = top == y ? s[^2] : s[^1];
        return -(z[y] - other) / (s[^1] - s[^3] + 1e-12);
    }

    private static double ReferenceTargeted(double[] z, int y, int t)
    {
        var s = z.OrderBy(v => v).ToArray();
        return -(z[y] - z[t]) / (s[^1] - 0.5 * (s[^3] + s[^4]) + 1e-12);
    }

    public static TheoryData<int, int> Cases() => new() { { 0, 10 }, { 1, 10 }, { 2, 4 }, { 3, 5 }, { 4, 10 }, { 5, 3 } };

    [Theory]
    [MemberData(nameof(Cases))]
    public void UntargetedMatchesTheReferenceAndItsGradient(int seed, int k)
    {
        var rng = new System.Random(seed);
        for (int trial = 0; trial < 20; trial++)
        {
            var z = Enumerable.Range(0, k).Select(_ => (float)(3 * rng.NextDouble() - 1.5)).ToArray();
            int y = rng.Next(k);
            // half the trials: the label leads, so the "other" logit is the runner-up
            if (trial % 2 == 0) z[y] = z.Max() + 0.3f;
            var dz = new double[k];
            double loss = DlrLoss.Untargeted(z, y, dz);
            var zd = z.Select(v => (double)v).ToArray();
            Assert.Equal(Reference(zd, y), loss, 1e-6);
            CheckGradient(zd, dz, v => Reference(v, y));
        }
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void TargetedMatchesTheReferenceAndItsGradient(int seed, int k)
    {
        if (k < 4) return;
        var rng = new System.Random(100 + seed);
        for (int trial = 0; trial < 20; trial++)
        {
            var z = Enumerable.Range(0, k).Select(_ => (float)(3 * rng.NextDouble() - 1.5)).ToArray();
            int y = rng.Next(k), t = (y + 1 + rng.Next(k - 1)) % k;
            var dz = new double[k];
            double loss = DlrLoss.Targeted(z, y, t, dz);
            var zd = z.Select(v => (double)v).ToArray();
            Assert.Equal(ReferenceTargeted(zd, y, t), loss, 1e-6);
            CheckGradient(zd, dz, v => ReferenceTargeted(v, y, t));
        }
    }

    private static void CheckGradient(double[] z, double[] dz, Func<double[], double> f)
    {
        const double h = 1e-6;
        for (int j = 0; j < z.Length; j++)
        {
            var p = (double[])z.Clone();
            var m = (double[])z.Clone();
            p[j] += h;
            m[j] -= h;
            double fd = (f(p) - f(m)) / (2 * h);
            Assert.True(Math.Abs(fd - dz[j]) <= 1e-5 * Math.Max(1, Math.Abs(fd)), $"∂L/∂z_{j}: {dz[j]} vs finite difference {fd}");
        }
    }

    [Fact]
    public void TheLossIsInvariantToShiftAndScaleOfTheLogits()
    {
        float[] z = [0.3f, 2.1f, -0.7f, 1.4f, 0.9f];
        var dz = new double[5];
        double a = DlrLoss.Untargeted(z, 3, dz), at = DlrLoss.Targeted(z, 3, 1, dz);
        var moved = z.Select(v => 4 * v + 7).ToArray();
        Assert.Equal(a, DlrLoss.Untargeted(moved, 3, dz), 1e-6);
        Assert.Equal(at, DlrLoss.Targeted(moved, 3, 1, dz), 1e-6);
        // the label leads: the loss is negative; the label trails: positive
        Assert.True(DlrLoss.Untargeted(z, 1, dz) < 0);
        Assert.True(a > 0);
    }

    [Fact]
    public void RankedTargetsAreTheClassesAfterThePrediction()
    {
        Assert.Equal([1, 3, 4, 0, 2], DlrLoss.Ranked([0.3f, 2.1f, -0.7f, 1.4f, 0.9f]));
        Assert.Equal([0, 1, 2], DlrLoss.Ranked([1f, 1f, 0f]));
    }
}
