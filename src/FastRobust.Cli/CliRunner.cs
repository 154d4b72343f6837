using System.CommandLine;
using FastRobust.Util;

namespace FastRobust.Cli;

/// <summary>
/// Parses and runs a command line. Every user error — a parse error, a bad file, an impossible option — ends as
/// one line on stderr and exit code 2; a bug ends with the exception and exit code 1.
/// </summary>
public static class CliRunner
{
    public const int UsageError = 2;

    public static int Run(RootCommand root, string[] args, TextWriter? stdout = null, TextWriter? stderr = null)
    {
        var err = stderr ?? Console.Error;
        var parse = root.Parse(args);
        if (parse.Errors.Count > 0)
        {
            foreach (var e in parse.Errors) err.WriteLine($"error: {e.Message}");
            err.WriteLine("Run with --help for usage.");
            return UsageError;
        }
        try
        {
            var config = new InvocationConfiguration { EnableDefaultExceptionHandler = false };
            if (stdout != null) config.Output = stdout;
            if (stderr != null) config.Error = stderr;
            return parse.Invoke(config);
        }
        catch (InputException e)
        {
            err.WriteLine($"error: {e.Message}");
            return UsageError;
        }
        catch (ArgumentException e)
        {
            err.WriteLine($"error: {e.Message}");
            return UsageError;
        }
    }
}
