using System.CommandLine;

namespace FastRobust.Cli.Commands;

/// <summary>The verbs of the CLI, one file each.</summary>
public static class Verbs
{
    public static IEnumerable<Command> All() =>
    [
        StudyCommand.Create(),
        ReportCommand.Create(),
        FindingsCommand.Create(),
        MergeCommand.Create(),
        TrainCommand.Create(),
        PredictCommand.Create(),
        SaliencyCommand.Create(),
        PicturesCommand.Create(),
        BenchCommand.Create(),
        BenchCompareCommand.Create(),
        MeasureCommand.Create(),
        AttackCommand.Create(),
        CorruptCommand.Create(),
        EvaluateCommand.Create(),
        DatapointsCommand.Create(),
        FeaturesCommand.Create(),
    ];
}
