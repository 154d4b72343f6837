namespace FastRobust.Util;

/// <summary>
/// How many host threads parallel work on the host may use: FASTROBUST_THREADS when it is a positive integer, else
/// the processor count. Read once per process.
/// </summary>
public static class HostThreads
{
    public static readonly int Count = Read();

    private static int Read()
    {
        var env = Environment.GetEnvironmentVariable("FASTROBUST_THREADS");
        return int.TryParse(env, out int t) && t > 0 ? t : Environment.ProcessorCount;
    }
}
