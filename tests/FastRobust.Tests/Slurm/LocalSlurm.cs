using System.Diagnostics;
using Xunit;

namespace FastRobust.Tests.SlurmTests;

/// <summary>
/// The Slurm the integration tests submit to (tools/slurm-local.sh start makes one on this machine; .ci/run does).
/// Without one the tests are skipped with the reason, unless FASTROBUST_REQUIRE_SLURM=1 (set by .ci/run once it has
/// started Slurm), where a missing Slurm fails them.
/// </summary>
internal static class LocalSlurm
{
    public static void SkipIfAbsent()
    {
        string? why = WhyUnavailable();
        if (why == null) return;
        if (Environment.GetEnvironmentVariable("FASTROBUST_REQUIRE_SLURM") == "1") Assert.Fail($"FASTROBUST_REQUIRE_SLURM=1 but {why}");
        Skip.If(true, why + " (tools/slurm-local.sh start runs one on this machine)");
    }

    private static string? WhyUnavailable()
    {
        foreach (var program in new[] { "sbatch", "squeue", "scontrol", "sinfo" })
            if (Study.Slurm.SlurmSubmission.FindOnPath(program) is null) return $"no Slurm: {program} is not on PATH";
        var (code, output) = ExternalProcess.Run("sinfo", "-h", "-o", "%T");
        if (code != 0) return $"no Slurm: sinfo failed ({output.Trim()})";
        if (!output.Split('\n').Any(s => s.Trim() is "idle" or "mixed" or "allocated" or "completing"))
            return $"no Slurm node takes jobs (sinfo: {output.Trim()})";
        return null;
    }

    /// <summary>The state of a job or array task (PENDING, RUNNING, COMPLETED, CANCELLED, FAILED, ...), as scontrol shows it.</summary>
    public static string State(string job)
    {
        var (_, output) = ExternalProcess.Run("scontrol", "show", "job", job);
        int at = output.IndexOf("JobState=", StringComparison.Ordinal);
        return at < 0 ? "UNKNOWN" : output[(at + "JobState=".Length)..].Split(' ', '\n')[0];
    }

    /// <summary>Polls until the condition holds; fails with the description and what <paramref name="diagnose"/> says when the time runs out.</summary>
    public static void WaitFor(Func<bool> condition, TimeSpan limit, string what, Func<string> diagnose)
    {
        var sw = Stopwatch.StartNew();
        while (!condition())
        {
            if (sw.Elapsed > limit) Assert.Fail($"waited {limit.TotalSeconds:F0} s for {what}\n{diagnose()}");
            Thread.Sleep(250);
        }
    }
}
