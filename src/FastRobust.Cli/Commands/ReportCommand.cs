using System.CommandLine;
using FastRobust.Study;

namespace FastRobust.Cli.Commands;

/// <summary>./run.sh report DIR: the strongest predictors of each robustness notion in a finished study.</summary>
public static class ReportCommand
{
    public static Command Create()
    {
        var dir = new Argument<string>("DIR") { Description = "A study directory" };
        var top = new Option<int>("--top") { Description = "Predictors per notion", DefaultValueFactory = _ => 5 };
        var cmd = new Command("report", "Print the measures that best predict each robustness notion across a study's models") { dir, top };
        cmd.SetAction(r =>
        {
            var stdout = r.InvocationConfiguration.Output;
            stdout.WriteLine(StudyReport.Format(StudyReport.Strongest(r.GetValue(dir)!, CommonOptions.Positive(r.GetValue(top), "--top"))));
            return 0;
        });
        return cmd;
    }
}
