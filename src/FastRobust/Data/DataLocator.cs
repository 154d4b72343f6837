using FastRobust.Util;

namespace FastRobust.Data;

/// <summary>
/// Finds a dataset split on disk. Roots, in order: the folder in FASTROBUST_DATA (when set), then the
/// repository's data/ folder (the nearest folder holding FastRobust.sln above the running binary, then above the
/// current directory). Under each root a few common layouts are tried, so an unpacked archive works where it lands.
/// </summary>
public static class DataLocator
{
    public const string EnvVar = "FASTROBUST_DATA";

    public static readonly IReadOnlyList<string> Names = ["mnist", "cifar10"];

    /// <summary>
    /// Folders under a root that may hold the CIFAR-10 .bin batches, in the order tried: the official download
    /// first, the JPEG-quality-75 copy of ../shared/data only when no original is under the same root.
    /// </summary>
    public static readonly IReadOnlyList<string> CifarLayouts =
        ["cifar-10-batches-bin", "cifar10/cifar-10-batches-bin", "cifar10", "cifar10-jpeg75/cifar-10-batches-bin"];

    /// <summary>Folders under a root that may hold the MNIST idx files ("." is the root itself).</summary>
    public static readonly IReadOnlyList<string> MnistLayouts = ["mnist", "."];

    /// <summary>A split of mnist, cifar10 or an image folder (<c>folder:PATH[,options]</c>, <see cref="FolderSpec"/>).</summary>
    public static Dataset Load(string name, string split) =>
        FolderSpec.IsFolder(name) ? FolderDataset.Load(FolderSpec.Parse(name), split) : Find(name, split).Load();

    public static DataSource Find(string name, string split) => Find(name, split, Roots());

    /// <summary>Searches the given roots in order; the first complete layout wins.</summary>
    public static DataSource Find(string name, string split, IReadOnlyList<string> roots)
    {
        string key = NormalizeName(name);
        if (split is not ("train" or "test")) throw new InputException($"unknown split '{split}': expected train or test");
        var looked = new List<string>();
        foreach (string root in roots)
        {
            if (!Directory.Exists(root))
            {
                looked.Add($"{Path.GetFullPath(root)} (does not exist)");
                continue;
            }
            var found = key == "cifar10" ? FindCifar(root, split, looked) : FindMnist(root, split, looked);
            if (found != null) return found;
        }
        throw NotFound(key, split, looked);
    }

    /// <summary>"CIFAR-10", "cifar_10" and "cifar10" all name cifar10; an image folder's name is checked and kept.</summary>
    public static string NormalizeName(string name)
    {
        if (FolderSpec.IsFolder(name)) return FolderSpec.Parse(name).ToString();
        string key = name.Trim().ToLowerInvariant().Replace("-", "").Replace("_", "");
        return Names.Contains(key) ? key : throw new InputException($"unknown dataset '{name}': expected {string.Join(", ", Names)} or {FolderSpec.Prefix}PATH (an image folder)");
    }

    /// <summary>The data roots searched, in order.</summary>
    public static IReadOnlyList<string> Roots() =>
        Roots(Environment.GetEnvironmentVariable(EnvVar), [AppContext.BaseDirectory, Directory.GetCurrentDirectory()]);

    /// <summary>FASTROBUST_DATA's value (when non-empty), then data/ of each repository found above <paramref name="startDirs"/>.</summary>
    public static IReadOnlyList<string> Roots(string? envValue, IEnumerable<string> startDirs)
    {
        var roots = new List<string>();
        if (!string.IsNullOrWhiteSpace(envValue)) roots.Add(Path.GetFullPath(envValue));
        foreach (string start in startDirs)
            if (RepositoryRoot(start) is { } repo)
            {
                string data = Path.Combine(repo, "data");
                if (!roots.Contains(data)) roots.Add(data);
            }
        return roots;
    }

    /// <summary>The nearest folder at or above <paramref name="start"/> that holds FastRobust.sln.</summary>
    public static string? RepositoryRoot(string start)
    {
        for (var dir = new DirectoryInfo(Path.GetFullPath(start)); dir != null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "FastRobust.sln"))) return dir.FullName;
        return null;
    }

    private static DataSource? FindCifar(string root, string split, List<string> looked)
    {
        var names = Cifar10Reader.SplitFiles(split);
        foreach (string layout in CifarLayouts)
        {
            string dir = Path.GetFullPath(Path.Combine(root, layout));
            if (!Directory.Exists(dir))
            {
                looked.Add(dir);
                continue;
            }
            var missing = names.Where(f => !File.Exists(Path.Combine(dir, f))).ToList();
            if (missing.Count == 0) return new DataSource("cifar10", split, dir, names.Select(f => Path.Combine(dir, f)).ToArray());
            looked.Add($"{dir} (no {string.Join(", ", missing)})");
        }
        return null;
    }

    private static DataSource? FindMnist(string root, string split, List<string> looked)
    {
        var (images, labels) = MnistReader.SplitFiles(split);
        foreach (string layout in MnistLayouts)
        {
            string dir = Path.GetFullPath(Path.Combine(root, layout));
            if (!Directory.Exists(dir))
            {
                looked.Add(dir);
                continue;
            }
            string? img = MnistReader.FindFile(dir, images), lab = MnistReader.FindFile(dir, labels);
            if (img != null && lab != null) return new DataSource("mnist", split, dir, [img, lab]);
            var missing = new[] { img == null ? images : null, lab == null ? labels : null }.OfType<string>();
            looked.Add($"{dir} (no {string.Join(", ", missing.Select(m => m + "[.gz]"))})");
        }
        return null;
    }

    private static InputException NotFound(string key, string split, List<string> looked)
    {
        string where = looked.Count > 0
            ? "Looked in: " + string.Join("; ", looked) + "."
            : $"Nowhere to look: {EnvVar} is not set and no FastRobust.sln was found above {AppContext.BaseDirectory} or {Directory.GetCurrentDirectory()}.";
        string hint = key == "cifar10"
            ? $"Run data/fetch-cifar10.sh to download CIFAR-10 into data/cifar-10-batches-bin/, or set {EnvVar} to a folder holding cifar-10-batches-bin/."
            : $"MNIST is bundled in data/mnist/ of the repository; restore it, or set {EnvVar} to a folder holding mnist/.";
        string title = key == "cifar10" ? "CIFAR-10" : "MNIST";
        return new InputException($"{title} {split} split not found. {where} {hint}");
    }
}
