using System.Diagnostics;

namespace FastRobust.Tests;

/// <summary>Runs a program the tests depend on (Slurm's commands, Debian's python3) and returns its exit code and output.</summary>
internal static class ExternalProcess
{
    /// <summary>Exit code, then standard output followed by standard error.</summary>
    public static (int Code, string Output) Run(string program, params string[] args)
    {
        var psi = new ProcessStartInfo(program) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in args) psi.ArgumentList.Add(a);
        using var p = Process.Start(psi)!;
        var err = p.StandardError.ReadToEndAsync();
        string output = p.StandardOutput.ReadToEnd();
        p.WaitForExit();
        return (p.ExitCode, output + err.GetAwaiter().GetResult());
    }
}
