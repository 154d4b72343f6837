using System.Text;

namespace FastRobust.Util;

/// <summary>
/// Checks an output path before any work starts, so a command that cannot write its result fails at once with
/// the path and the reason (exit 2), not after minutes of work, and not after writing its other outputs. A check
/// looks at the path as it is now: the name lengths the file system allows, a directory standing where a file
/// goes (or the reverse), a parent that is a file, and whether the nearest existing directory takes a new file
/// (a probe file is created and removed: permissions, read-only mounts and quotas all answer it).
/// </summary>
public static class OutputPath
{
    /// <summary>Linux's NAME_MAX and PATH_MAX (bytes of UTF-8; PATH_MAX counts the terminating zero).</summary>
    public const int MaxNameBytes = 255, MaxPathBytes = 4095;

    /// <summary>Checks that a file can be created or replaced at <paramref name="path"/>; returns its full path.</summary>
    public static string CheckFile(string path, string option)
    {
        string full = Full(path, option);
        if (Directory.Exists(full)) throw new InputException($"{option} {path}: is a directory, not a file");
        CheckParent(Path.GetDirectoryName(full), path, option);
        return full;
    }

    /// <summary>Checks that <paramref name="path"/> is, or can be created as, a directory that takes new files.</summary>
    public static string CheckDirectory(string path, string option)
    {
        string full = Full(path, option);
        if (File.Exists(full)) throw new InputException($"{option} {path}: is a file, not a directory");
        if (Directory.Exists(full)) Probe(full, path, option);
        else CheckParent(Path.GetDirectoryName(full), path, option);
        return full;
    }

    private static string Full(string path, string option)
    {
        if (string.IsNullOrWhiteSpace(path)) throw new InputException($"{option}: the path is empty");
        if (path.Contains('\0')) throw new InputException($"{option}: the path holds a NUL character");
        string full;
        try { full = Path.GetFullPath(path); }
        catch (Exception e) when (e is ArgumentException or NotSupportedException or IOException)
        {
            throw new InputException($"{option} {path}: not a usable path ({e.Message})");
        }
        int bytes = Encoding.UTF8.GetByteCount(full);
        if (bytes > MaxPathBytes) throw new InputException($"{option}: the path is {bytes} bytes long, over the file system's limit of {MaxPathBytes}");
        foreach (string part in full.Split(Path.DirectorySeparatorChar, StringSplitOptions.RemoveEmptyEntries))
        {
            int n = Encoding.UTF8.GetByteCount(part);
            if (n > MaxNameBytes)
                throw new InputException($"{option} {Shorten(path)}: the name '{Shorten(part)}' is {n} bytes long, over the file system's limit of {MaxNameBytes}");
        }
        return full;
    }

    /// <summary>Walks up to the nearest existing ancestor: each missing one must not be a file, and the existing one must take a new file.</summary>
    private static void CheckParent(string? dir, string path, string option)
    {
        while (dir != null && !Directory.Exists(dir))
        {
            if (File.Exists(dir)) throw new InputException($"{option} {path}: {dir} is a file, not a directory");
            dir = Path.GetDirectoryName(dir);
        }
        if (dir == null) throw new InputException($"{option} {path}: no existing directory above it");
        Probe(dir, path, option);
    }

    private static void Probe(string dir, string path, string option)
    {
        string probe = Path.Combine(dir, AtomicFile.TempName("fastrobust-probe"));
        try
        {
            using (new FileStream(probe, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1, FileOptions.DeleteOnClose)) { }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new InputException($"{option} {path}: cannot write in {dir}: {e.Message}");
        }
    }

    /// <summary>A long name cut for a one-line message.</summary>
    private static string Shorten(string s) => s.Length <= 60 ? s : s[..40] + "…" + s[^12..];
}
