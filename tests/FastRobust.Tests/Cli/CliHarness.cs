using System.CommandLine;
using FastRobust.Cli;
using FastRobust.Cli.Commands;

namespace FastRobust.Tests.Cli;

/// <summary>
/// The CLI in process, every verb, with what it writes captured through the invocation's own writers (the verbs
/// never touch Console), so CLI tests can run in parallel and read the output of their own run only.
/// </summary>
public static class CliHarness
{
    public sealed record Result(int Code, string Out, string Err);

    public static Result Run(params string[] args)
    {
        var root = new RootCommand("test");
        foreach (var c in Verbs.All()) root.Subcommands.Add(c);
        var (stdout, stderr) = (new StringWriter(), new StringWriter());
        int code = CliRunner.Run(root, args, stdout, stderr);
        return new Result(code, stdout.ToString(), stderr.ToString());
    }
}

/// <summary>A CLI test class's scratch folder (one per test, as xunit makes one instance per test), deleted afterwards.</summary>
public abstract class CliTestFolder : IDisposable
{
    protected string Dir { get; } = Directory.CreateTempSubdirectory("fr-cli-").FullName;

    /// <summary>The path of <paramref name="name"/> in the folder.</summary>
    protected string P(string name) => Path.Combine(Dir, name);

    public void Dispose() => Directory.Delete(Dir, true);
}
