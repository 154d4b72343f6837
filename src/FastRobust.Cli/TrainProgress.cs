using FastRobust.Training;
using Spectre.Console;

namespace FastRobust.Cli;

/// <summary>Per-epoch lines, shared by both displays.</summary>
internal static class EpochLine
{
    public static string Format(EpochResult r, int epochs) =>
        $"epoch {r.Epoch}/{epochs}  " +
        (r.CleanTrainLoss is { } cl
            ? $"clean loss {cl:F4}  clean acc {r.CleanTrainAccuracy:P2}  {(r.TrainEps is null ? "noisy" : "adv")} loss {r.TrainLoss:F4}  {(r.TrainEps is null ? "noisy" : "adv")} acc {r.TrainAccuracy:P2}"
            : $"loss {r.TrainLoss:F4}  train acc {r.TrainAccuracy:P2}") +
        (r.TestAccuracy is { } ta ? $"  test loss {r.TestLoss:F4}  test acc {ta:P2}" : "") +
        (r.TestRobustAccuracy is { } tr ? $"  test robust acc {tr:P2}" : "") +
        (r.TrainEps is { } e ? $"  ε {e:G4}" : "") +
        $"  lr {r.LastLr:G3}  {r.Seconds:F1}s ({r.ImagesPerSecond:F0} img/s)";
}

/// <summary>Plain lines, one per epoch, on the invocation's output: for logs, redirected output and tests.</summary>
internal sealed class PlainTrainProgress(TextWriter output, int epochs) : ITrainProgress
{
    public void EpochStarted(int epoch, int steps) { }

    public void Step(int epoch, int step, double? runningLoss) { }

    public void EpochFinished(EpochResult r) => output.WriteLine(EpochLine.Format(r, epochs));
}

/// <summary>A Spectre.Console progress bar per epoch, with the running loss, on an interactive terminal.</summary>
internal sealed class BarTrainProgress(ProgressContext ctx, int epochs) : ITrainProgress
{
    private ProgressTask? _task;

    public void EpochStarted(int epoch, int steps) =>
        _task = ctx.AddTask($"epoch {epoch + 1}/{epochs}", maxValue: steps);

    public void Step(int epoch, int step, double? runningLoss)
    {
        if (_task is null) return;
        _task.Value = step;
        if (runningLoss is { } l) _task.Description = $"epoch {epoch + 1}/{epochs} loss {l:F4}";
    }

    public void EpochFinished(EpochResult r)
    {
        if (_task != null) _task.Value = _task.MaxValue;
        AnsiConsole.MarkupLine(Markup.Escape(EpochLine.Format(r, epochs)));
    }

    /// <summary>Runs <paramref name="body"/> under a bar when <paramref name="output"/> is an interactive terminal, else with plain lines on it.</summary>
    public static T Run<T>(int epochs, TextWriter output, Func<ITrainProgress, T> body)
    {
        if (!Terminal.IsInteractive(output)) return body(new PlainTrainProgress(output, epochs));
        T result = default!;
        AnsiConsole.Progress().AutoClear(false).HideCompleted(false)
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn(), new RemainingTimeColumn())
            .Start(ctx => result = body(new BarTrainProgress(ctx, epochs)));
        return result;
    }
}
