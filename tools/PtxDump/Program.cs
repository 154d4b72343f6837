using FastRobust.Gpu;

// dotnet run --project tools/PtxDump -c Release -- OUT_DIR [NAME_PART ...]
// Writes OUT_DIR/Class.Method.ptx for every [Kernel] in kernels/ (sm_80, ISA 8.0, as the PTX tests compile them), or
// only for the kernels whose Class.Method contains one of the NAME_PARTs (case-sensitive), e.g. "Gemm." or "Conv.Forward".
if (args.Length == 0)
{
    Console.Error.WriteLine("usage: PtxDump OUT_DIR [NAME_PART ...]");
    return 2;
}
string dir = args[0];
var filters = args[1..];
Directory.CreateDirectory(dir);
int written = 0;
foreach (var kernel in KernelPtx.All())
{
    string name = KernelPtx.Name(kernel);
    if (filters.Length > 0 && !filters.Any(name.Contains)) continue;
    string path = Path.Combine(dir, name + ".ptx");
    File.WriteAllText(path, KernelPtx.Compile(kernel));
    Console.WriteLine(path);
    written++;
}
if (written == 0)
{
    Console.Error.WriteLine($"no kernel name contains any of: {string.Join(", ", filters)}");
    return 2;
}
return 0;
