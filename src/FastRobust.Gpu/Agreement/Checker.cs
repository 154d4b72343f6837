using FastRobust.Tensors;

namespace FastRobust.Gpu.Agreement;

/// <summary>
/// What an agreement case works with: the cpu backend and a GPU backend, random inputs uploaded to both, NaN-poisoned
/// outputs (an element a kernel forgets to write cannot pass by inheriting the right value) and the comparisons.
/// Every failure is an <see cref="AgreementFailure"/> naming the value, both results and the seed that replays it.
/// </summary>
public class Checker
{
    /// <param name="gpu">the backend under test (cuda or ilgpu-cpu)</param>
    /// <param name="seed">seeds every random shape and value of the case</param>
    /// <param name="scale">shrinks the ranges of <see cref="Size"/>: ILGPU's CPU accelerator runs one OS thread per GPU
    /// thread, so the test suite runs the cases at about a quarter of the sizes the gpu-selftest verb uses on CUDA</param>
    public Checker(Device gpu, int seed, double scale = 1.0)
    {
        Gpu = gpu;
        Seed = seed;
        Scale = scale;
        Rng = new System.Random(seed);
    }

    public Device Gpu { get; }
    public int Seed { get; }
    public double Scale { get; }
    public System.Random Rng { get; }
    public Backend C => Device.Cpu.Backend;
    public Backend G => Gpu.Backend;

    /// <summary>Uniform in [lo, hi).</summary>
    public int Int(int lo, int hiExclusive) => Rng.Next(lo, hiExclusive);

    /// <summary>A size uniform in [lo, hi) with the range shrunk by <see cref="Scale"/> (never below one value).</summary>
    public int Size(int lo, int hiExclusive) => Rng.Next(lo, lo + Math.Max(1, (int)((hiExclusive - lo) * Scale)));

    public float[] Rand(long n, float lo = -1f, float hi = 1f)
    {
        var a = new float[n];
        for (long i = 0; i < n; i++) a[i] = lo + (hi - lo) * (float)Rng.NextDouble();
        return a;
    }

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

    public (IntBuffer Cpu, IntBuffer Gpu) BothIntEmpty(long n) => (C.AllocInt(n), G.AllocInt(n));

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

    /// <summary>Fails the case with the seed that replays it.</summary>
    public AgreementFailure Fail(string message) => new($"{message} (seed {Seed})");

    public void True(bool condition, string message)
    {
        if (!condition) throw Fail(message);
    }

    /// <summary>
    /// Element-wise relative error ≤ tol, relative to max(|expected|, 1e-2·max|expected|, 1e-6): the float32 rounding of
    /// a long sum done in another order is relative to its terms, so entries that cancel to near zero are judged
    /// against the array's scale. NaN must match NaN.
    /// </summary>
    public void Close(float[] expected, float[] actual, string what, double tol = 1e-4)
    {
        True(expected.Length == actual.Length, $"{what}: {expected.Length} values on cpu, {actual.Length} on {Gpu.Name}");
        double scale = 0;
        foreach (var v in expected) if (float.IsFinite(v)) scale = Math.Max(scale, Math.Abs(v));
        for (int i = 0; i < expected.Length; i++)
        {
            float e = expected[i], a = actual[i];
            if (float.IsNaN(e) || float.IsNaN(a))
            {
                if (!(float.IsNaN(e) && float.IsNaN(a))) throw Fail($"{what}[{i}]: cpu {e}, {Gpu.Name} {a}");
                continue;
            }
            if (e == a) continue;
            double err = Math.Abs((double)e - a) / Math.Max(Math.Max(Math.Abs(e), 1e-2 * scale), 1e-6);
            if (!(err <= tol)) throw Fail($"{what}[{i}]: cpu {e}, {Gpu.Name} {a}, relative error {err:E2} > {tol:E0}");
        }
    }

    public void Close(FloatBuffer cpu, FloatBuffer gpu, long n, string what, double tol = 1e-4) =>
        Close(Down(C, cpu, n), Down(G, gpu, n), what, tol);

    public void Close((FloatBuffer Cpu, FloatBuffer Gpu) pair, long n, string what, double tol = 1e-4) =>
        Close(pair.Cpu, pair.Gpu, n, what, tol);

    /// <summary>Element-wise |expected − actual| ≤ tol (values on a fixed scale, such as pixels in [0, 1]).</summary>
    public void Within(float[] expected, float[] actual, string what, float tol)
    {
        True(expected.Length == actual.Length, $"{what}: {expected.Length} values on cpu, {actual.Length} on {Gpu.Name}");
        for (int i = 0; i < expected.Length; i++)
        {
            float d = Math.Abs(expected[i] - actual[i]);
            if (!(d <= tol)) throw Fail($"{what}[{i}]: cpu {expected[i]}, {Gpu.Name} {actual[i]}, difference {d:E2} > {tol:E0}");
        }
    }

    /// <summary>Bit-identical results (ops whose every element is one correctly rounded operation, or a copy).</summary>
    public void Exact(float[] expected, float[] actual, string what)
    {
        True(expected.Length == actual.Length, $"{what}: {expected.Length} values on cpu, {actual.Length} on {Gpu.Name}");
        for (int i = 0; i < expected.Length; i++)
            if (BitConverter.SingleToInt32Bits(expected[i]) != BitConverter.SingleToInt32Bits(actual[i]))
                throw Fail($"{what}[{i}]: cpu {expected[i]:R}, {Gpu.Name} {actual[i]:R} differ in bits");
    }

    public void Exact(FloatBuffer cpu, FloatBuffer gpu, long n, string what) => Exact(Down(C, cpu, n), Down(G, gpu, n), what);

    public void Exact((FloatBuffer Cpu, FloatBuffer Gpu) pair, long n, string what) => Exact(pair.Cpu, pair.Gpu, n, what);

    public void ExactInt(int[] expected, int[] actual, string what)
    {
        True(expected.Length == actual.Length, $"{what}: {expected.Length} values on cpu, {actual.Length} on {Gpu.Name}");
        for (int i = 0; i < expected.Length; i++)
            if (expected[i] != actual[i]) throw Fail($"{what}[{i}]: cpu {expected[i]}, {Gpu.Name} {actual[i]}");
    }

    public void ExactInt(IntBuffer cpu, IntBuffer gpu, int n, string what) => ExactInt(DownInt(C, cpu, n), DownInt(G, gpu, n), what);

    public void ExactInt((IntBuffer Cpu, IntBuffer Gpu) pair, int n, string what) => ExactInt(pair.Cpu, pair.Gpu, n, what);
}
