using System.CommandLine;
using FastRobust.Util;

namespace FastRobust.Cli;

/// <summary>
/// Parses and runs a command line. Every user error — a parse error, a bad file, an impossible option — ends as
/// one line on stderr and exit code 2; a bug ends with the exception and exit code 1. Every verb writes to the
/// writers given here (the process's console from Program, a StringWriter in tests), never to Console itself.
/// </summary>
public static class CliRunner
{
    public const int UsageError = 2;

    public static int Run(RootCommand root, string[] args, TextWriter stdout, TextWriter stderr)
    {
        var parse = root.Parse(args);
        if (parse.Errors.Count > 0)
        {
            foreach (var e in parse.Errors) stderr.WriteLine($"error: {e.Message}");
            stderr.WriteLine("Run with --help for usage.");
            return UsageError;
        }
        try
        {
            var config = new InvocationConfiguration { EnableDefaultExceptionHandler = false, Output = stdout, Error = stderr };
            return parse.Invoke(config);
        }
        catch (InputException e)
        {
            stderr.WriteLine($"error: {e.Message}");
            return UsageError;
        }
        catch (ArgumentException e)
        {
            stderr.WriteLine($"error: {e.Message}");
            return UsageError;
        }
    }
}
