using System.Diagnostics;
using FastRobust.Gpu.Agreement;
using FastRobust.Tensors;

namespace FastRobust.Gpu;

/// <summary>
/// The agreement cases (<see cref="AgreementCases"/>) in a form that runs where there is no SDK. The CLI runs it as the
/// hidden verb <c>gpu-selftest [--device cuda|ilgpu-cpu] [--seed N]</c> (bench/gpu-check.sh does, on a machine with a
/// GPU); the test suite runs the same cases one test each on ilgpu-cpu. Prints one line per case and a closing
/// "N passed, M failed" line; the exit code is 0 only when all passed.
/// </summary>
public static class SelfTest
{
    /// <summary>Runs the verb with <paramref name="args"/>, writing to the invocation's <paramref name="output"/> and <paramref name="error"/>.</summary>
    public static int Main(string[] args, TextWriter output, TextWriter error)
    {
        string device = "cuda";
        int? seed = null;
        for (int i = 0; i < args.Length; i++)
        {
            if (args[i] == "--device" && i + 1 < args.Length) device = args[++i];
            else if (args[i] == "--seed" && i + 1 < args.Length && int.TryParse(args[i + 1], out int s)) { seed = s; i++; }
            else
            {
                error.WriteLine("usage: gpu-selftest [--device cuda|ilgpu-cpu] [--seed N]");
                return 2;
            }
        }
        GpuDevices.Register();
        Device dev;
        try
        {
            dev = Device.Parse(device);
        }
        catch (FastRobust.Util.InputException e)
        {
            error.WriteLine($"error: {e.Message}");
            return 2;
        }
        output.WriteLine($"gpu-selftest on {GpuDevices.Describe(dev)}");
        var (_, failed) = Run(dev, seed ?? (int)(DateTime.UtcNow.Ticks & 0x7FFFFFFF), output, AgreementCases.All);
        return failed == 0 ? 0 : 1;
    }

    /// <summary>
    /// Runs <paramref name="cases"/> on <paramref name="gpu"/>, case i with seed <paramref name="seed"/> + i, one line
    /// each and the closing count; returns the counts. <paramref name="scale"/> shrinks the random shapes (see
    /// <see cref="Checker"/>).
    /// </summary>
    public static (int Passed, int Failed) Run(Device gpu, int seed, TextWriter log, IEnumerable<AgreementCase> cases, double scale = 1.0)
    {
        int passed = 0, failed = 0;
        foreach (var c in cases)
        {
            var checker = new Checker(gpu, seed++, scale);
            var sw = Stopwatch.StartNew();
            try
            {
                c.Body(checker);
                gpu.Backend.Synchronize();
                passed++;
                log.WriteLine($"ok   {c.Name} ({sw.Elapsed.TotalMilliseconds:F0} ms)");
            }
            catch (Exception e)
            {
                failed++;
                string message = e is AgreementFailure ? e.Message : $"{e.GetType().Name}: {e.Message} (seed {checker.Seed})";
                log.WriteLine($"FAIL {c.Name}: {message}");
            }
        }
        log.WriteLine($"{passed} passed, {failed} failed");
        return (passed, failed);
    }
}
