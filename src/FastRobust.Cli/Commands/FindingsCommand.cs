using System.CommandLine;
using FastRobust.Study;
using FastRobust.Util;

namespace FastRobust.Cli.Commands;

/// <summary>./run.sh findings DIR --out FILE: a study's tables beside study 000's three findings (docs/findings.md).</summary>
public static class FindingsCommand
{
    public static Command Create()
    {
        var dir = new Argument<string>("DIR") { Description = "A study directory (the seed-000-cpu preset's, usually runs/seed-000-cpu)" };
        var output = new Option<string?>("--out") { Description = "Markdown file to write (default: print it)" };
        var cmd = new Command("findings", "Set a study's correlations beside study 000's three findings: Kendall τ with 95 % intervals, n and the CMI score per measure and condition group") { dir, output };
        cmd.SetAction(r =>
        {
            string d = r.GetValue(dir)!;
            string? o = r.GetValue(output);
            string text = SeedFindings.Write(d, $"./run.sh findings {d}" + (o == null ? "" : $" --out {o}"));
            if (o == null) r.InvocationConfiguration.Output.Write(text);
            else AtomicFile.WriteAllText(o, text);
            return 0;
        });
        return cmd;
    }
}
