using System.CommandLine;

namespace FastRobust.Cli.Commands;

/// <summary>The verbs of the CLI, one file each.</summary>
public static class Verbs
{
    public static IEnumerable<Command> All() =>
    [
        TrainCommand.Create(),
        PredictCommand.Create(),
        SaliencyCommand.Create(),
        BenchCommand.Create(),
        MeasureCommand.Create(),
    ];
}
