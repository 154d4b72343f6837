using System.Diagnostics;
using System.Text.RegularExpressions;
using Xunit;

namespace FastRobust.Gpu.Tests;

/// <summary>What ptxas -v said about one kernel: its registers, shared memory, stack and spills.</summary>
internal sealed record PtxasReport(int Registers, int SharedBytes, int StackBytes, int SpillStoreBytes, int SpillLoadBytes, string CubinPath);

/// <summary>
/// NVIDIA's PTX assembler and disassembler, run on the CPU (no GPU or driver needed): <c>tools/fetch-ptxas.sh</c> puts
/// them into .tools/cuda/bin (./test.sh runs it); FASTROBUST_PTXAS names another ptxas (nvdisasm beside it).
/// ptxas 11.8 reads PTX ISA up to 7.8, so the kernels are compiled for ISA 7.8 here: ILGPU emits the same
/// instructions for a newer ISA, only the header differs.
/// </summary>
internal static partial class Ptxas
{
    public static string? Find()
    {
        var fromEnv = Environment.GetEnvironmentVariable("FASTROBUST_PTXAS");
        if (!string.IsNullOrEmpty(fromEnv)) return File.Exists(fromEnv) ? fromEnv : null;
        for (var d = new DirectoryInfo(AppContext.BaseDirectory); d != null; d = d.Parent)
            if (File.Exists(Path.Combine(d.FullName, "FastRobust.sln")))
            {
                var local = Path.Combine(d.FullName, ".tools", "cuda", "bin", "ptxas");
                return File.Exists(local) ? local : null;
            }
        return null;
    }

    /// <summary>The path of ptxas, or a failure that says how to get it.</summary>
    public static string Require() =>
        Find() ?? throw new InvalidOperationException(
            "ptxas not found: run tools/fetch-ptxas.sh (./test.sh does) or set FASTROBUST_PTXAS to a ptxas binary");

    /// <summary>
    /// Skips the calling test when ptxas is missing and nobody said it must be there: ./test.sh sets
    /// FASTROBUST_REQUIRE_PTXAS=1 once tools/fetch-ptxas.sh has succeeded, so there a missing ptxas fails; a
    /// machine that could not download it reports these tests as skipped, never as passed.
    /// </summary>
    public static void SkipIfAbsent() =>
        Skip.If(Find() is null && Environment.GetEnvironmentVariable("FASTROBUST_REQUIRE_PTXAS") != "1",
            "ptxas not found (tools/fetch-ptxas.sh could not fetch it)");

    /// <summary>Assembles PTX text for <paramref name="arch"/> (e.g. "sm_90"); throws with ptxas's own message if it refuses.</summary>
    public static PtxasReport Assemble(string ptx, string arch, string name, int? maxRegisters = null)
    {
        string dir = Path.Combine(Path.GetTempPath(), "fastrobust-ptxas", Environment.ProcessId.ToString());
        Directory.CreateDirectory(dir);
        string file = Path.Combine(dir, $"{name}.{arch}.ptx"), cubin = Path.ChangeExtension(file, ".cubin");
        File.WriteAllText(file, ptx);
        var args = new List<string> { "-v", $"-arch={arch}", "-o", cubin, file };
        if (maxRegisters is int r) args.InsertRange(0, ["-maxrregcount", r.ToString()]);
        var (code, text) = Run(Require(), args);
        if (code != 0) throw new InvalidOperationException($"ptxas refused {name} for {arch} (exit {code}):\n{text}");
        var used = Used().Match(text);
        var frame = Frame().Match(text);
        if (!used.Success || !frame.Success) throw new InvalidOperationException($"unexpected ptxas -v output for {name}:\n{text}");
        int smem = used.Groups["smem"].Success ? int.Parse(used.Groups["smem"].Value) : 0;
        return new PtxasReport(int.Parse(used.Groups["regs"].Value), smem, int.Parse(frame.Groups["stack"].Value),
            int.Parse(frame.Groups["stores"].Value), int.Parse(frame.Groups["loads"].Value), cubin);
    }

    /// <summary>The SASS of a cubin, one instruction per line (nvdisasm).</summary>
    public static string Sass(string cubin)
    {
        string nvdisasm = Path.Combine(Path.GetDirectoryName(Require())!, "nvdisasm");
        var (code, text) = Run(nvdisasm, [cubin]);
        if (code != 0) throw new InvalidOperationException($"nvdisasm failed on {cubin} (exit {code}):\n{text}");
        return text;
    }

    /// <summary>How many SASS instructions start with <paramref name="opcode"/> (e.g. "FFMA", "LDS", "STL").</summary>
    public static int Count(string sass, string opcode) =>
        Regex.Matches(sass, @"/\*[0-9a-f]{4,}\*/\s+(@!?U?P\w+\s+)?" + Regex.Escape(opcode) + @"\b").Count;

    /// <summary>A loop of the SASS: the instructions from a label to the branch back to it.</summary>
    public sealed record SassLoop(int Start, int End, IReadOnlyList<string> Instructions)
    {
        public int Count(string opcode) => Instructions.Count(i => Opcode().Match(i) is { Success: true } m && m.Groups[1].Value == opcode);
    }

    /// <summary>Every loop of a kernel's SASS (a branch to a label at or before it), innermost first.</summary>
    public static List<SassLoop> Loops(string sass)
    {
        var instructions = new List<(int Address, string Text)>();
        var labels = new Dictionary<string, int>();
        string? pending = null;
        foreach (var line in sass.Split('\n'))
        {
            var label = Label().Match(line);
            if (label.Success)
            {
                pending = label.Groups[1].Value;
                continue;
            }
            var ins = Instruction().Match(line);
            if (!ins.Success) continue;
            int address = Convert.ToInt32(ins.Groups[1].Value, 16);
            if (pending != null) labels[pending] = address;
            pending = null;
            instructions.Add((address, ins.Groups[2].Value.Trim()));
        }
        var loops = new List<SassLoop>();
        foreach (var (address, text) in instructions)
        {
            var branch = BranchTarget().Match(text);
            if (!branch.Success || !labels.TryGetValue(branch.Groups[1].Value, out int start) || start > address) continue;
            loops.Add(new SassLoop(start, address, instructions.Where(i => i.Address >= start && i.Address <= address).Select(i => i.Text).ToList()));
        }
        return loops.OrderBy(l => l.Instructions.Count).ToList();
    }

    private static (int Code, string Text) Run(string exe, IEnumerable<string> args)
    {
        var psi = new ProcessStartInfo(exe) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in args) psi.ArgumentList.Add(a);
        using var p = Process.Start(psi)!;
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        if (!p.WaitForExit(120_000))
        {
            p.Kill(true);
            throw new TimeoutException($"{exe} ran over 2 minutes");
        }
        return (p.ExitCode, stdout.Result + stderr.Result);
    }

    [GeneratedRegex(@"^\s*\.(L_x_\d+):")]
    private static partial Regex Label();

    [GeneratedRegex(@"/\*([0-9a-f]{4,})\*/\s+([^;]*);")]
    private static partial Regex Instruction();

    [GeneratedRegex(@"\bBRA\s+`?\(?\.(L_x_\d+)")]
    private static partial Regex BranchTarget();

    [GeneratedRegex(@"^(?:@!?U?P\w+\s+)?([A-Z0-9]+)")]
    private static partial Regex Opcode();

    [GeneratedRegex(@"Used (?<regs>\d+) registers(, (?<smem>\d+) bytes smem)?")]
    private static partial Regex Used();

    [GeneratedRegex(@"(?<stack>\d+) bytes stack frame, (?<stores>\d+) bytes spill stores, (?<loads>\d+) bytes spill loads")]
    private static partial Regex Frame();
}
