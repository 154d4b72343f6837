using ILGPU.Runtime.Cuda;
using Xunit;
using Xunit.Abstractions;

namespace FastRobust.Gpu.Tests;

/// <summary>
/// PtxTests proves every kernel compiles to PTX; this proves NVIDIA's own assembler accepts that PTX and turns it into
/// machine code for an A100 (sm_80) and an H100 (sm_90), as the driver would when the module is loaded. It catches
/// what only a real toolchain sees: invalid inline PTX (Rounded.Mul's mul.rn), register spills to local memory,
/// a tile kernel whose 8×8 accumulator did not stay in registers. ptxas runs on the CPU: no GPU is needed.
/// </summary>
public class PtxasTests(ITestOutputHelper output)
{
    private static readonly (string Sm, CudaArchitecture Arch)[] Targets = [("sm_80", CudaArchitecture.SM_80), ("sm_90", CudaArchitecture.SM_90)];

    /// <summary>The implicit-GEMM and GEMM kernels built on TileCore.MultiplySlice.</summary>
    private static readonly string[] TileKernels = ["Gemm.Tiled", "Conv.Forward", "Conv.BackwardData", "Conv.BackwardWeight"];

    public static TheoryData<string> KernelNames() => PtxTests.KernelNames();

    private static string Ptx(string name, CudaArchitecture arch) =>
        KernelPtx.Compile(KernelPtx.All().Single(m => KernelPtx.Name(m) == name), arch, CudaInstructionSet.ISA_78);

    [SkippableTheory]
    [MemberData(nameof(KernelNames))]
    public void AssemblesForAmpereAndHopperWithoutSpills(string name)
    {
        Ptxas.SkipIfAbsent();
        foreach (var (sm, arch) in Targets)
        {
            var r = Ptxas.Assemble(Ptx(name, arch), sm, name);
            output.WriteLine($"{name} {sm}: {r.Registers} registers, {r.SharedBytes} B shared, {r.StackBytes} B stack, " +
                             $"spills {r.SpillStoreBytes}/{r.SpillLoadBytes} B");
            Assert.True(r.SpillStoreBytes == 0 && r.SpillLoadBytes == 0,
                $"{name} spills registers to local memory on {sm}: {r.SpillStoreBytes} B stored, {r.SpillLoadBytes} B loaded");
        }
    }

    /// <summary>
    /// Each thread of a tile kernel owns an 8×8 block of C: its inner loop must be 64 FFMAs on registers fed by shared
    /// loads, with no local memory at all. If the Tile8x8 struct were demoted to local memory (ILGPU does that to a
    /// struct whose address escapes), the kernel would still be correct, and 10× slower.
    /// </summary>
    [SkippableTheory]
    [MemberData(nameof(TileKernelNames))]
    public void TileKernelsKeepTheirAccumulatorsInRegisters(string name)
    {
        Ptxas.SkipIfAbsent();
        var r = Ptxas.Assemble(Ptx(name, CudaArchitecture.SM_90), "sm_90", name);
        string sass = Ptxas.Sass(r.CubinPath);
        int ffma = Ptxas.Count(sass, "FFMA"), lds = Ptxas.Count(sass, "LDS"), local = Ptxas.Count(sass, "LDL") + Ptxas.Count(sass, "STL");
        int blocksPerSm = Math.Min(32, 65536 / (RoundUp(r.Registers, 8) * 64));
        output.WriteLine($"{name} sm_90: {r.Registers} registers ({blocksPerSm} groups of 64 per SM by registers), {ffma} FFMA, {lds} LDS, {local} local loads/stores");
        Assert.True(ffma >= 64, $"{name}: {ffma} FFMA in the SASS; the 8×8 tile needs 64 per k step");
        Assert.True(lds >= 4, $"{name}: {lds} shared loads; the micro-kernel reads 4 per k step");
        Assert.True(local == 0, $"{name}: {local} local-memory loads/stores in the SASS");
        Assert.True(r.Registers >= 64, $"{name}: only {r.Registers} registers; 64 accumulators cannot be in registers");
    }

    /// <summary>
    /// The issue cost of the micro-kernel, counted in the machine code: one k step is 64 FFMA and 4 shared loads of
    /// 16 bytes, and everything else in that loop is overhead that takes issue slots from the FFMAs. History: 16
    /// scalar loads each indexed from its own 32-bit sum, 115 instructions per step; one base per operand row, so
    /// that ptxas folds the offsets, 87; four contiguous values per thread and operand half, read as LDS.128, 80.
    /// Guard: at most 84.
    /// </summary>
    [SkippableTheory]
    [MemberData(nameof(TileKernelNames))]
    public void TheMicroKernelLoopIsMostlyFfma(string name)
    {
        Ptxas.SkipIfAbsent();
        var r = Ptxas.Assemble(Ptx(name, CudaArchitecture.SM_90), "sm_90", name + "-loop");
        var loop = Ptxas.Loops(Ptxas.Sass(r.CubinPath)).First(l => l.Count("FFMA") >= 64);
        output.WriteLine($"{name}: micro-kernel loop {loop.Instructions.Count} instructions, {loop.Count("FFMA")} FFMA, {loop.Count("LDS")} LDS");
        Assert.Equal(64, loop.Count("FFMA"));
        Assert.Equal(4, loop.Instructions.Count(i => i.Contains("LDS.128")));
        Assert.Equal(4, loop.Count("LDS"));
        Assert.True(loop.Instructions.Count <= 84, $"{name}: the k step takes {loop.Instructions.Count} instructions for 64 FFMA");
    }

    public static TheoryData<string> TileKernelNames() => new(TileKernels);

    private static int RoundUp(int x, int m) => (x + m - 1) / m * m;

    // ---- the checks can fail ----

    [SkippableFact]
    public void InvalidPtxIsRefused()
    {
        Ptxas.SkipIfAbsent();
        string ptx = Ptx("Elementwise.Fill", CudaArchitecture.SM_90);
        string broken = ptx.Replace("ret;", "bogus.f32 %r1, %r1;\n\tret;");
        Assert.NotEqual(ptx, broken);
        var e = Assert.Throws<InvalidOperationException>(() => Ptxas.Assemble(broken, "sm_90", "broken-fill"));
        Assert.Contains("ptxas refused", e.Message);
    }

    [SkippableFact]
    public void SpillsAndLocalMemoryAreSeen()
    {
        Ptxas.SkipIfAbsent();
        // the GEMM squeezed into 32 registers must spill; its SASS then has local loads and stores
        var r = Ptxas.Assemble(Ptx("Gemm.Tiled", CudaArchitecture.SM_90), "sm_90", "gemm-squeezed", maxRegisters: 32);
        Assert.True(r.SpillStoreBytes > 0 && r.SpillLoadBytes > 0, $"no spill reported at 32 registers: {r}");
        string sass = Ptxas.Sass(r.CubinPath);
        Assert.True(Ptxas.Count(sass, "STL") > 0 && Ptxas.Count(sass, "LDL") > 0);
    }

    [SkippableFact]
    public void AKernelWithoutFloatProductsHasNoFfma()
    {
        Ptxas.SkipIfAbsent();
        var r = Ptxas.Assemble(Ptx("Elementwise.Fill", CudaArchitecture.SM_90), "sm_90", "fill");
        Assert.Equal(0, Ptxas.Count(Ptxas.Sass(r.CubinPath), "FFMA"));
    }
}
