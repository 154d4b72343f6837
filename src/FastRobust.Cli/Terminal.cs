using Spectre.Console;

namespace FastRobust.Cli;

/// <summary>Whether a command's output writer is the process's interactive terminal, where progress bars may draw.</summary>
internal static class Terminal
{
    /// <summary>
    /// Spectre.Console draws on the process's console, so bars are only for an invocation whose output is that
    /// console (not redirected, interactive); any other writer (a test's, a pipe) gets plain lines.
    /// </summary>
    public static bool IsInteractive(TextWriter output) =>
        ReferenceEquals(output, Console.Out) && !Console.IsOutputRedirected && AnsiConsole.Profile.Capabilities.Interactive;
}
