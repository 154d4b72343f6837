using Xunit;

namespace FastRobust.Tests.OpsTests.Support;

/// <summary>Random inputs and closeness assertions shared by the op tests.</summary>
public static class Check
{
    /// <summary>n floats uniform in [lo, hi).</summary>
    public static float[] Uniform(System.Random r, int n, double lo = -1, double hi = 1)
    {
        var a = new float[n];
        for (int i = 0; i < n; i++) a[i] = (float)(lo + (hi - lo) * r.NextDouble());
        return a;
    }

    /// <summary>n floats with magnitude in [lo, hi) and a random sign: keeps away from kinks and poles at 0.</summary>
    public static float[] AwayFromZero(System.Random r, int n, double lo, double hi)
    {
        var a = Uniform(r, n, lo, hi);
        for (int i = 0; i < n; i++) if (r.Next(2) == 0) a[i] = -a[i];
        return a;
    }

    public static double[] D(float[] a) => a.Select(v => (double)v).ToArray();

    public static float[] F(double[] a) => a.Select(v => (float)v).ToArray();

    /// <summary>
    /// Asserts |actual − expected| ≤ rtol·(|expected| + floor·max|expected|) elementwise: relative where values
    /// are large, and relative to the array's scale where they are small (float32 sums of mixed signs cannot do
    /// better). NaN in either fails.
    /// </summary>
    public static void Close(string what, double[] expected, float[] actual, double rtol, double floor = 0.1) =>
        Close(what, expected, D(actual), rtol, floor);

    public static void Close(string what, double[] expected, double[] actual, double rtol, double floor = 0.1)
    {
        Assert.True(expected.Length == actual.Length, $"{what}: {actual.Length} values, expected {expected.Length}");
        double scale = 0;
        foreach (double e in expected) scale = Math.Max(scale, Math.Abs(e));
        int bad = -1, count = 0;
        double worst = 0;
        for (int i = 0; i < expected.Length; i++)
        {
            double tol = rtol * (Math.Abs(expected[i]) + floor * scale) + 1e-30;
            double err = Math.Abs(actual[i] - expected[i]);
            if (!(err <= tol))
            {
                count++;
                if (bad < 0) bad = i;
            }
            if (double.IsNaN(err) || err / tol > worst) worst = double.IsNaN(err) ? double.NaN : err / tol;
        }
        if (bad >= 0)
            Assert.Fail($"{what}: {count} of {expected.Length} values off; first at [{bad}]: expected {expected[bad]:R}, got {actual[bad]:R} " +
                $"(rtol {rtol}, scale {scale:G4}, worst err/tol {worst:G4})");
    }

    public static void Equal(string what, float[] expected, float[] actual)
    {
        Assert.True(expected.Length == actual.Length, $"{what}: {actual.Length} values, expected {expected.Length}");
        for (int i = 0; i < expected.Length; i++)
            if (BitConverter.SingleToInt32Bits(expected[i]) != BitConverter.SingleToInt32Bits(actual[i]))
                Assert.Fail($"{what}: first difference at [{i}]: expected {expected[i]:R}, got {actual[i]:R}");
    }

    /// <summary>Elements [start, start + count) of a flat array: one member of an ensemble tensor.</summary>
    public static float[] Slice(float[] a, long start, long count) => a.AsSpan((int)start, (int)count).ToArray();
}
