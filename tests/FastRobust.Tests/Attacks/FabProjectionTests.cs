using System.Text.Json;
using FastRobust.Attacks;
using Xunit;

namespace FastRobust.Tests.Attacks;

/// <summary>
/// FAB's projection onto the linearised boundary against float64 references: the PyTorch reference's bisection
/// (autoattack_expect.json, written by autoattack_make_fixtures.py) and a bisection written here, on random problems
/// of both norms, with coordinates that must not move, points on the box's faces and unreachable hyperplanes.
/// </summary>
public class FabProjectionTests
{
    private static readonly string Dir = Path.Combine(AppContext.BaseDirectory, "Fixtures");

    public static TheoryData<int> Fixtures() => new(Enumerable.Range(0, 12));

    [Theory]
    [MemberData(nameof(Fixtures))]
    public void MatchesTheTorchReference(int index)
    {
        var c = JsonDocument.Parse(File.ReadAllText(Path.Combine(Dir, "autoattack_expect.json"))).RootElement.GetProperty("projections")[index];
        var t = Floats(c, "t");
        var w = Floats(c, "w");
        double b = c.GetProperty("b").GetDouble();
        var expect = c.GetProperty("d").EnumerateArray().Select(e => e.GetDouble()).ToArray();
        var d = new double[t.Length];
        if (c.GetProperty("norm").GetString() == "l2") FabProjection.L2(t, w, b, d);
        else FabProjection.Linf(t, w, b, d);
        for (int i = 0; i < d.Length; i++) Assert.True(Math.Abs(expect[i] - d[i]) < 1e-6, $"d[{i}] = {d[i]}, reference {expect[i]}");
    }

    private static float[] Floats(JsonElement e, string name) => e.GetProperty(name).EnumerateArray().Select(v => (float)v.GetDouble()).ToArray();

    /// <summary>On reachable hyperplanes: the move lands on the hyperplane, stays in the box, and no smaller radius does (bisection here).</summary>
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void LandsOnTheHyperplaneInsideTheBoxWithTheSmallestNorm(bool l2)
    {
        var rng = new System.Random(l2 ? 11 : 7);
        for (int trial = 0; trial < 50; trial++)
        {
            int n = 5 + rng.Next(60);
            var t = Enumerable.Range(0, n).Select(_ => (float)rng.NextDouble()).ToArray();
            var w = Enumerable.Range(0, n).Select(_ => rng.Next(6) == 0 ? 0f : (float)(2 * rng.NextDouble() - 1)).ToArray();
            double wt = t.Zip(w, (a, c) => (double)a * c).Sum(), aw = w.Sum(v => Math.Abs((double)v));
            double b = wt + (2 * rng.NextDouble() - 1) * 0.3 * aw / 4;
            var d = new double[n];
            if (l2) FabProjection.L2(t, w, b, d);
            else FabProjection.Linf(t, w, b, d);
            double reached = Enumerable.Range(0, n).Sum(i => (double)w[i] * (t[i] + d[i]));
            var (feasible, radius) = Bisect(t, w, b, l2);
            for (int i = 0; i < n; i++)
            {
                Assert.InRange(t[i] + d[i], -1e-12, 1 + 1e-12);
                if (w[i] == 0) Assert.Equal(0, d[i]);
            }
            if (!feasible) continue;
            Assert.True(Math.Abs(reached - b) < 1e-9 * Math.Max(1, Math.Abs(b)), $"w·(t+d) = {reached}, b = {b}");
            double norm = l2 ? Math.Sqrt(d.Sum(v => v * v)) : d.Max(Math.Abs);
            double want = l2 ? Math.Sqrt(Move(t, w, wt - b >= 0 ? 1 : -1, radius, l2).Sum(v => v * v)) : radius;
            Assert.True(Math.Abs(norm - want) < 1e-7, $"‖d‖ = {norm}, the bisection's {want}");
        }
    }

    /// <summary>An independent solver: bisection on the scalar of the box-clipped move (λ for L∞, α for L2).</summary>
    private static (bool Feasible, double Scalar) Bisect(float[] t, float[] w, double b, bool l2)
    {
        double c = t.Zip(w, (a, q) => (double)a * q).Sum() - b;
        double s = c >= 0 ? 1 : -1;
        c *= s;
        double Decrease(double a) => -Move(t, w, s, a, l2).Select((v, i) => v * s * w[i]).Sum();
        double hi = 1e6, lo = 0;
        if (Decrease(hi) < c) return (false, hi);
        for (int i = 0; i < 200; i++)
        {
            double mid = (lo + hi) / 2;
            if (Decrease(mid) >= c) hi = mid; else lo = mid;
        }
        return (true, hi);
    }

    private static double[] Move(float[] t, float[] w, double s, double a, bool l2) => t.Select((ti, i) =>
    {
        double wi = s * w[i];
        if (wi == 0) return 0.0;
        if (l2) return Math.Clamp(-a * wi, -ti, 1 - ti);
        return wi > 0 ? -Math.Min(a, ti) : Math.Min(a, 1 - ti);
    }).ToArray();
}
