using System.Reflection;
using FastRobust.Util;

namespace FastRobust.Study;

/// <summary>The bundled studies (studies/*.jsonc in the repository, embedded in the library).</summary>
public static class StudyPresets
{
    private const string Prefix = "FastRobust.Studies.";

    public static IReadOnlyList<string> Names =>
        Assembly.GetExecutingAssembly().GetManifestResourceNames().Where(n => n.StartsWith(Prefix, StringComparison.Ordinal))
            .Select(n => Path.GetFileNameWithoutExtension(n[Prefix.Length..])).OrderBy(n => n, StringComparer.Ordinal).ToList();

    public static string Text(string name)
    {
        using var s = Assembly.GetExecutingAssembly().GetManifestResourceStream(Prefix + name + ".jsonc")
            ?? throw new InputException($"unknown preset '{name}' (bundled: {string.Join(", ", Names)})");
        using var r = new StreamReader(s);
        return r.ReadToEnd();
    }

    public static StudyFile Load(string name) => StudyFile.Parse(Text(name), $"preset '{name}'");
}
