using FastRobust.DataRobustness;
using FastRobust.Training;
using Spectre.Console;

namespace FastRobust.Cli;

/// <summary>
/// The datapoints verb's progress: on an interactive terminal a bar per training epoch and per scheme run (with its
/// ETA); otherwise plain lines, one per epoch and one per tenth of a scheme run.
/// </summary>
internal sealed class DatapointsProgressDisplay(TextWriter output) : IDatapointsProgress
{
    private readonly bool _bars = Terminal.IsInteractive(output);

    public void Line(string text)
    {
        if (_bars) AnsiConsole.MarkupLine(Markup.Escape(text));
        else output.WriteLine(text);
    }

    public List<EpochResult> Train(string what, int epochs, Func<ITrainProgress?, List<EpochResult>> body) =>
        BarTrainProgress.Run(epochs, output, p => body(p));

    public SchemeOutcome Scheme(string what, Func<Action<int, int>?, SchemeOutcome> body)
    {
        if (!_bars)
        {
            int reported = 0;
            return body((done, total) =>
            {
                int tenth = total == 0 ? 10 : (int)(10L * done / total);
                if (tenth > reported)
                {
                    reported = tenth;
                    output.WriteLine($"  {what}: {done:N0}/{total:N0} images finished");
                }
            });
        }
        SchemeOutcome result = null!;
        AnsiConsole.Progress().AutoClear(false).HideCompleted(false)
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn(), new RemainingTimeColumn())
            .Start(ctx =>
            {
                var task = ctx.AddTask(Markup.Escape(what), maxValue: 1);
                result = body((done, total) =>
                {
                    task.MaxValue = Math.Max(1, total);
                    task.Value = done;
                });
                task.Value = task.MaxValue;
            });
        return result;
    }
}
