using System.CommandLine;
using FastRobust.Study;

namespace FastRobust.Cli.Commands;

/// <summary>./run.sh merge DIR... --out DIR: combines the shards of one study.</summary>
public static class MergeCommand
{
    public static Command Create()
    {
        var dirs = new Argument<string[]>("DIR") { Description = "Study directories of the shards (--shard I/N) of one study", Arity = ArgumentArity.OneOrMore };
        var output = new Option<string?>("--out") { Description = "Where the merged study goes (default: the first DIR)" };
        var cmd = new Command("merge", "Combine shard directories of one study into one and rebuild its tables and correlations") { dirs, output };
        cmd.SetAction(r =>
        {
            var stdout = r.InvocationConfiguration.Output;
            var sources = r.GetValue(dirs)!;
            string outDir = r.GetValue(output) ?? sources[0];
            Util.OutputPath.CheckDirectory(outDir, r.GetValue(output) is null ? "DIR" : "--out");
            int n = StudyMerge.Merge(sources, outDir);
            stdout.WriteLine($"merged {sources.Length} director{(sources.Length == 1 ? "y" : "ies")} into {outDir}: {n} models in the tables");
            return 0;
        });
        return cmd;
    }
}
