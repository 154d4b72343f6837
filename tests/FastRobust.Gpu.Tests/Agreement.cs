using FastRobust.Tensors;
using Xunit;

namespace FastRobust.Gpu.Tests;

/// <summary>
/// Runs an op on the cpu backend and on ilgpu-cpu (the ILGPU kernels on ILGPU's CPU accelerator) with the same
/// fresh random inputs and compares. Inputs come from a clock-seeded generator whose seed every failure message
/// names (FASTROBUST_TEST_SEED replays it); outputs are poisoned with NaN first, so an element a kernel forgets to
/// write cannot pass by inheriting the right value.
/// </summary>
public sealed class Agreement
{
    public static Device Gpu { get; } = OpenGpu();

    private static Device OpenGpu()
    {
        GpuDevices.Register();
        return Device.Parse("ilgpu-cpu");
    }

    public Agreement()
    {
        var env = Environment.GetEnvironmentVariable("FASTROBUST_TEST_SEED");
        Seed = env is null ? (int)(DateTime.UtcNow.Ticks & 0x7FFFFFFF) : int.Parse(env);
        Rng = new System.Random(Seed);
    }

    public int Seed { get; }
    public System.Random Rng { get; }
    public Backend C => Device.Cpu.Backend;
    public Backend G => Gpu.Backend;

    public float[] Rand(long n, float lo = -1f, float hi = 1f)
    {
        var a = new float[n];
        for (long i = 0; i < n; i++) a[i] = lo + (hi - lo) * (float)Rng.NextDouble();
        return a;
    }

    public int Int(int lo, int hiExclusive) => Rng.Next(lo, hiExclusive);

    /// <summary>The same values on both backends.</summary>
    public (FloatBuffer Cpu, FloatBuffer Gpu) Both(float[] values) => (Up(C, values), Up(G, values));

    public (FloatBuffer Cpu, FloatBuffer Gpu) BothRand(long n, float lo = -1f, float hi = 1f) => Both(Rand(n, lo, hi));

    /// <summary>Outputs: NaN-filled buffers on both backends.</summary>
    public (FloatBuffer Cpu, FloatBuffer Gpu) Poisoned(long n) => Both(Enumerable.Repeat(float.NaN, (int)Math.Max(n, 0)).ToArray());

    public (IntBuffer Cpu, IntBuffer Gpu) BothInt(int[] values)
    {
        var c = C.AllocInt(values.Length);
        C.UploadInt(values, c);
        var g = G.AllocInt(values.Length);
        G.UploadInt(values, g);
        return (c, g);
    }

    public static FloatBuffer Up(Backend b, float[] values)
    {
        var buf = b.Alloc(values.Length);
        b.Upload(values, buf);
        return buf;
    }

    public static float[] Down(Backend b, FloatBuffer buf, long n)
    {
        var a = new float[n];
        b.Download(buf, 0, a);
        return a;
    }

    public static int[] DownInt(Backend b, IntBuffer buf, int n)
    {
        var a = new int[n];
        b.DownloadInt(buf, a);
        return a;
    }

    /// <summary>
    /// Element-wise relative error ≤ tol, relative to max(|expected|, 1e-2·max|expected|, 1e-6): the float32 rounding of
    /// a long sum done in another order is relative to its terms, so entries that cancel to near zero are judged
    /// against the array's scale. NaN must match NaN.
    /// </summary>
    public void Close(float[] expected, float[] actual, string what, double tol = 1e-4)
    {
        Assert.Equal(expected.Length, actual.Length);
        double scale = 0;
        foreach (var v in expected) if (float.IsFinite(v)) scale = Math.Max(scale, Math.Abs(v));
        for (int i = 0; i < expected.Length; i++)
        {
            float e = expected[i], a = actual[i];
            if (float.IsNaN(e) || float.IsNaN(a))
            {
                Assert.True(float.IsNaN(e) && float.IsNaN(a), $"{what}[{i}]: cpu {e}, ilgpu-cpu {a} (seed {Seed})");
                continue;
            }
            if (e == a) continue;
            double err = Math.Abs((double)e - a) / Math.Max(Math.Max(Math.Abs(e), 1e-2 * scale), 1e-6);
            Assert.True(err <= tol, $"{what}[{i}]: cpu {e}, ilgpu-cpu {a}, relative error {err:E2} > {tol:E0} (seed {Seed})");
        }
    }

    public void Close(FloatBuffer cpu, FloatBuffer gpu, long n, string what, double tol = 1e-4) =>
        Close(Down(C, cpu, n), Down(G, gpu, n), what, tol);

    public void Exact(FloatBuffer cpu, FloatBuffer gpu, long n, string what)
    {
        var e = Down(C, cpu, n);
        var a = Down(G, gpu, n);
        for (int i = 0; i < n; i++)
            Assert.True(BitConverter.SingleToInt32Bits(e[i]) == BitConverter.SingleToInt32Bits(a[i]),
                $"{what}[{i}]: cpu {e[i]:R}, ilgpu-cpu {a[i]:R} differ in bits (seed {Seed})");
    }

    public void ExactInt(IntBuffer cpu, IntBuffer gpu, int n, string what) =>
        Assert.True(DownInt(C, cpu, n).SequenceEqual(DownInt(G, gpu, n)), $"{what} differs (seed {Seed})");
}
