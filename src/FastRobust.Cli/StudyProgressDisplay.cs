using FastRobust.Study;
using Spectre.Console;

namespace FastRobust.Cli;

/// <summary>Plain lines per unit and stage on the invocation's output: for logs, redirected output and tests.</summary>
internal sealed class PlainStudyProgress(TextWriter output) : IStudyProgress
{
    private int _units, _done;
    private DateTime _start;

    public void StudyStarted(int units, int alreadyDone)
    {
        (_units, _done, _start) = (units, alreadyDone, DateTime.UtcNow);
        if (alreadyDone > 0) output.WriteLine($"resuming: {alreadyDone} of {units} models already finished");
    }

    public void UnitStarted(WorkUnit unit, int stages) => output.WriteLine($"[{_done + 1}/{_units}] {unit.Id}");

    public void Stage(string name)
    {
        if (!name.StartsWith("train epoch", StringComparison.Ordinal)) output.WriteLine($"  {name}");
    }

    public void StageProgress(double fraction) { }

    public void UnitFinished(WorkUnit unit, TimeSpan elapsed, bool skipped)
    {
        if (skipped) return;
        _done++;
        var perUnit = (DateTime.UtcNow - _start) / Math.Max(1, _done);
        output.WriteLine($"  done in {elapsed.TotalSeconds:F0}s; {_done}/{_units} finished, about {(perUnit * (_units - _done)).TotalMinutes:F1} min left");
    }

    public void Message(string line) => output.WriteLine(line);
}

/// <summary>Three Spectre.Console bars — the study, the current model, the current stage — with an ETA.</summary>
internal sealed class BarStudyProgress(ProgressContext ctx) : IStudyProgress
{
    private ProgressTask? _study, _unit, _stage;
    private int _stages;

    public void StudyStarted(int units, int alreadyDone)
    {
        _study = ctx.AddTask("study", maxValue: Math.Max(1, units));
        _study.Value = alreadyDone;
    }

    public void UnitStarted(WorkUnit unit, int stages)
    {
        _stages = stages;
        _unit?.StopTask();
        _unit = ctx.AddTask(Markup.Escape(unit.Id), maxValue: 1);
        _stage?.StopTask();
        _stage = ctx.AddTask("starting", maxValue: 1);
    }

    public void Stage(string name)
    {
        if (_stage != null) _stage.Description = Markup.Escape(name);
        if (_stage != null) _stage.Value = 0;
        if (_unit != null && !name.StartsWith("train epoch", StringComparison.Ordinal))
            _unit.Value = Math.Min(_unit.MaxValue, _unit.Value + 1.0 / Math.Max(1, _stages * 3));
    }

    public void StageProgress(double fraction)
    {
        if (_stage != null) _stage.Value = Math.Clamp(fraction, 0, 1);
    }

    public void UnitFinished(WorkUnit unit, TimeSpan elapsed, bool skipped)
    {
        if (skipped) return;
        if (_unit != null) _unit.Value = 1;
        if (_stage != null) _stage.Value = 1;
        _study?.Increment(1);
    }

    public void Message(string line) => AnsiConsole.MarkupLine(Markup.Escape(line));

    /// <summary>Runs <paramref name="body"/> under the bars when <paramref name="output"/> is an interactive terminal, else with plain lines on it.</summary>
    public static T Run<T>(TextWriter output, Func<IStudyProgress, T> body)
    {
        if (!Terminal.IsInteractive(output)) return body(new PlainStudyProgress(output));
        T result = default!;
        AnsiConsole.Progress().AutoClear(false).HideCompleted(true)
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn(), new RemainingTimeColumn())
            .Start(ctx => result = body(new BarStudyProgress(ctx)));
        return result;
    }
}
