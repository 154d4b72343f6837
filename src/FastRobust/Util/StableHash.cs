namespace FastRobust.Util;

/// <summary>
/// FNV-1a over a string's UTF-16 code units: a hash that is the same in every process, machine and .NET version
/// (string.GetHashCode is randomised per process). Non-negative, so it can seed a stream or order files.
/// </summary>
public static class StableHash
{
    public static long Of(string s)
    {
        ulong h = 14695981039346656037UL;
        foreach (char ch in s)
        {
            h ^= ch;
            h *= 1099511628211UL;
        }
        return (long)(h >> 1);
    }
}
