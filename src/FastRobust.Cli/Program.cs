using System.CommandLine;
using FastRobust.Cli.Commands;

namespace FastRobust.Cli;

public static class Program
{
    public static int Main(string[] args)
    {
        // --device cuda / ilgpu-cpu / auto; the hidden gpu-selftest verb is what bench/gpu-check.sh runs on a GPU
        Gpu.GpuDevices.Register();
        if (args is ["gpu-selftest", .. var selfTestArgs]) return Gpu.SelfTest.Main(selfTestArgs, Console.Out, Console.Error);
        var root = new RootCommand("FastRobust: train image classifiers, attack them, shift their data and measure them.\n" +
                                   "Run a verb with --help for its options; ./run.sh with no verb runs the default job.");
        foreach (var cmd in Verbs.All()) root.Subcommands.Add(cmd);
        return CliRunner.Run(root, args, Console.Out, Console.Error);
    }
}
