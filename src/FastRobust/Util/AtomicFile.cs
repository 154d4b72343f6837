using System.Diagnostics;
using System.Text;

namespace FastRobust.Util;

/// <summary>
/// Writes a file through a temporary sibling and a rename, so a crash or a bad input never leaves half a file.
/// The sibling is named .NAME.PID.GUID.tmp; one that a killed process left behind is removed by the next write of
/// the same file (or by <see cref="CleanStale"/>) once no process with that PID is running.
/// </summary>
public static class AtomicFile
{
    private const string Suffix = ".tmp";

    // NAME is cut so that the temporary name stays within the file system's 255 bytes whenever the final name does
    private const int MaxStemBytes = 180;

    public static void Write(string path, Action<Stream> write)
    {
        string full, dir;
        try
        {
            full = Path.GetFullPath(path);
            dir = Path.GetDirectoryName(full)!;
        }
        catch (Exception e) when (e is ArgumentException or NotSupportedException)
        {
            throw new InputException($"{path}: not a usable path ({e.Message})");
        }
        string stem = Stem(Path.GetFileName(full));
        string tmp = Path.Combine(dir, TempName(stem));
        try
        {
            Directory.CreateDirectory(dir);
            CleanStale(dir, stem);
            using (var fs = new FileStream(tmp, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16))
            {
                write(fs);
                fs.Flush(true);
            }
            File.Move(tmp, full, overwrite: true);
        }
        catch (Exception e)
        {
            try { File.Delete(tmp); } catch (Exception d) when (d is IOException or UnauthorizedAccessException) { }
            // a full disk, a read-only mount, a permission, a directory where the file goes: the path is the user's to fix
            if (e is IOException or UnauthorizedAccessException) throw new InputException($"{path}: cannot write: {e.Message}", e);
            throw;
        }
    }

    public static void WriteAllText(string path, string text) =>
        Write(path, s => { using var w = new StreamWriter(s, leaveOpen: true); w.Write(text); });

    /// <summary>.STEM.PID.GUID.tmp, the name of a temporary sibling made by this process.</summary>
    internal static string TempName(string stem) => $".{stem}.{Environment.ProcessId}.{Guid.NewGuid():N}{Suffix}";

    /// <summary>
    /// Removes the temporary siblings in <paramref name="dir"/> (of <paramref name="stem"/> only, or of any file
    /// when null) whose writing process is gone. Another live process's, or this one's, are left alone.
    /// </summary>
    public static int CleanStale(string dir, string? stem = null)
    {
        int removed = 0;
        IEnumerable<string> candidates;
        try { candidates = Directory.EnumerateFiles(dir, stem == null ? "." + "*" + Suffix : $".{stem}.*{Suffix}").ToList(); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { return 0; }
        foreach (string file in candidates)
        {
            if (OwnerPid(Path.GetFileName(file)) is not int pid || pid == Environment.ProcessId || IsRunning(pid)) continue;
            try
            {
                File.Delete(file);
                removed++;
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException) { }
        }
        return removed;
    }

    /// <summary>The PID in .STEM.PID.GUID.tmp, or null for a name of another shape.</summary>
    internal static int? OwnerPid(string name)
    {
        if (!name.StartsWith('.') || !name.EndsWith(Suffix, StringComparison.Ordinal)) return null;
        var parts = name[..^Suffix.Length].Split('.');
        if (parts.Length < 4) return null;
        string guid = parts[^1], pid = parts[^2];
        if (guid.Length != 32 || !guid.All(Uri.IsHexDigit)) return null;
        return int.TryParse(pid, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out int p) ? p : null;
    }

    private static bool IsRunning(int pid)
    {
        try
        {
            using var p = Process.GetProcessById(pid);
            return !p.HasExited;
        }
        catch (Exception e) when (e is ArgumentException or InvalidOperationException) { return false; }
    }

    private static string Stem(string name)
    {
        if (Encoding.UTF8.GetByteCount(name) <= MaxStemBytes) return name;
        var b = new StringBuilder();
        foreach (var rune in name.EnumerateRunes())
        {
            if (Encoding.UTF8.GetByteCount(b.ToString()) + rune.Utf8SequenceLength > MaxStemBytes) break;
            b.Append(rune.ToString());
        }
        return b.ToString();
    }
}
