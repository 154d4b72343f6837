using System.CommandLine;
using FastRobust.Util;

namespace FastRobust.Cli;

/// <summary>
/// Parses and runs a command line. Every user error — a parse error, a bad file, an impossible option, an output
/// that cannot be written — is an <see cref="InputException"/> and ends as one line on stderr and exit code 2; any
/// other exception is a bug and ends with its trace and exit code 1. Every verb writes to the writers given here
/// (the process's console from Program, a StringWriter in tests), never to Console itself.
/// </summary>
public static class CliRunner
{
    public const int UsageError = 2, InternalError = 1;

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
        catch (Exception e) when (UserError(e) is { } input)
        {
            stderr.WriteLine($"error: {OneLine(input.Message)}");
            return UsageError;
        }
        catch (Exception e)
        {
            // a bug: the whole exception, to be reported
            stderr.WriteLine($"internal error (please report it): {e}");
            return InternalError;
        }
    }

    /// <summary>The user error behind <paramref name="e"/>, also when parallel work wrapped it.</summary>
    private static InputException? UserError(Exception e) => e switch
    {
        InputException i => i,
        AggregateException a when a.Flatten().InnerExceptions is [InputException i] => i,
        System.Reflection.TargetInvocationException { InnerException: InputException i } => i,
        _ => null,
    };

    private static string OneLine(string message) => message.ReplaceLineEndings(" ");
}
