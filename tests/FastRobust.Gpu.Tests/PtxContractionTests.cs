using System.Reflection;
using System.Text.RegularExpressions;
using FastRobust.Kernels;
using Xunit;

namespace FastRobust.Gpu.Tests;

/// <summary>
/// The corruption kernels must write the host's bytes on a real GPU too. ILGPU writes a * b as a plain PTX
/// <c>mul.f64</c>/<c>mul.f32</c>, and ptxas may contract a plain mul whose result feeds an add or sub into one fma
/// (rounded once, where the host rounds twice): a last-bit difference that moves a value across an 8-bit
/// truncation. ilgpu-cpu runs .NET arithmetic and cannot show it, so this reads the PTX: in a [HostBytes] kernel no
/// plain float product may reach an add or sub (directly or through movs). <c>mul.rn</c> (Rounded.Mul) is never contracted.
/// </summary>
public class PtxContractionTests
{
    /// <summary>The engine's op families: float32 training kernels, where contraction is welcome (it is how the GEMM gets its FMAs).</summary>
    private static readonly string[] EngineOps = ["Conv", "Elementwise", "Gemm", "Loss", "Norm", "Optim", "Pool", "RandomFill", "Reduce", "Transforms"];

    public static TheoryData<string> HostBytesKernels()
    {
        var data = new TheoryData<string>();
        foreach (var m in KernelPtx.All().Where(m => m.DeclaringType!.GetCustomAttribute<HostBytesAttribute>() != null))
            data.Add(KernelPtx.Name(m));
        return data;
    }

    [Fact]
    public void EveryKernelClassIsAnEngineOpOrMarkedHostBytes()
    {
        var unmarked = KernelPtx.All().Select(m => m.DeclaringType!).Distinct()
            .Where(t => !EngineOps.Contains(t.Name) && t.GetCustomAttribute<HostBytesAttribute>() == null).Select(t => t.Name).ToList();
        Assert.True(unmarked.Count == 0, $"kernel classes neither engine ops nor [HostBytes]: {string.Join(", ", unmarked)}");
        Assert.NotEmpty(HostBytesKernels());
    }

    [Theory]
    [MemberData(nameof(HostBytesKernels))]
    public void NoPlainProductFeedsAnAdd(string name)
    {
        var kernel = KernelPtx.All().Single(m => KernelPtx.Name(m) == name);
        var pairs = ContractiblePairs(KernelPtx.Compile(kernel));
        Assert.True(pairs.Count == 0, $"{name}: plain mul feeding add/sub, which ptxas may fuse into an fma (use Rounded.Mul):\n{string.Join("\n", pairs.Take(8))}");
    }

    /// <summary>The detector can fail: a * b + c is caught, Rounded.Mul(a, b) + c is not.</summary>
    [Fact]
    public void TheDetectorSeesAFusablePair()
    {
        static MethodInfo M(string n) => typeof(PtxContractionTests).GetMethod(n, BindingFlags.NonPublic | BindingFlags.Static)!;
        Assert.NotEmpty(ContractiblePairs(KernelPtx.Compile(M(nameof(Fusable)))));
        Assert.Empty(ContractiblePairs(KernelPtx.Compile(M(nameof(Rounded)))));
    }

    internal static void Fusable(ILGPU.Index1D i, ILGPU.ArrayView<double> y, double c) => y[i] = y[i] * c + 1.0;

    internal static void Rounded(ILGPU.Index1D i, ILGPU.ArrayView<double> y, double c) => y[i] = Kernels.Rounded.Mul(y[i], c) + 1.0;

    private static readonly Regex Instruction = new(@"^\s*(?:@%p\d+\s+)?([a-z]+(?:\.[a-z0-9]+)*)\s+([^;]*);", RegexOptions.Compiled);

    /// <summary>An immediate 0dXXXXXXXXXXXXXXXX / 0fXXXXXXXX with an empty mantissa: ±2^k.</summary>
    private static bool IsPowerOfTwo(string operand)
    {
        if (operand.StartsWith("0d", StringComparison.Ordinal) && operand.Length == 18)
            return (Convert.ToUInt64(operand[2..], 16) & 0x000FFFFFFFFFFFFFUL) == 0 && (Convert.ToUInt64(operand[2..], 16) & 0x7FF0000000000000UL) != 0;
        if (operand.StartsWith("0f", StringComparison.Ordinal) && operand.Length == 10)
            return (Convert.ToUInt32(operand[2..], 16) & 0x007FFFFFu) == 0 && (Convert.ToUInt32(operand[2..], 16) & 0x7F800000u) != 0;
        return false;
    }

    /// <summary>"mul … → add …" for every plain float mul whose result (or a mov of it) is an operand of a float add or sub.</summary>
    internal static List<string> ContractiblePairs(string ptx)
    {
        var fromMul = new Dictionary<string, string>(); // register → the plain mul that produced it
        var found = new List<string>();
        foreach (var line in ptx.Split('\n'))
        {
            var m = Instruction.Match(line);
            if (!m.Success) continue;
            string op = m.Groups[1].Value;
            var args = m.Groups[2].Value.Split(',', StringSplitOptions.TrimEntries);
            if (op is "mul.f32" or "mul.f64")
            {
                // a product by a power of two is exact, so an fma gives the same result as the host's two roundings
                if (!args.Skip(1).Any(IsPowerOfTwo)) fromMul[args[0]] = line.Trim();
            }
            else if (op is "mov.f32" or "mov.f64" && args.Length == 2 && fromMul.TryGetValue(args[1], out var src)) fromMul[args[0]] = src;
            else if (op is "add.f32" or "add.f64" or "sub.f32" or "sub.f64")
                foreach (var a in args.Skip(1))
                    if (fromMul.TryGetValue(a, out var mul)) found.Add($"{mul} → {line.Trim()}");
        }
        return found;
    }
}
