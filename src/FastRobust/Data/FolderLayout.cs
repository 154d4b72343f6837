using FastRobust.Util;

namespace FastRobust.Data;

/// <summary>
/// The files of one split of an image folder and their labels, as torchvision's ImageFolder sees them: class folders
/// sorted by name (ordinal), labels their indices among the chosen classes. PATH/train/ and PATH/val/ (or PATH/test/)
/// when PATH/train/ exists; otherwise the class folders are PATH's own and a fixed fraction of each class (chosen by a
/// hash of the file's name, so adding files never moves the others) is the test split. Files come in a fixed
/// pseudo-random order (a hash of their path), so taking the first N gives a mix of classes.
/// </summary>
public sealed record FolderLayout(IReadOnlyList<string> Classes, IReadOnlyList<(string File, int Label)> Files)
{
    public static readonly IReadOnlyList<string> ImageExtensions = [".png", ".jpg", ".jpeg"];

    public static FolderLayout Scan(FolderSpec spec, string split)
    {
        if (split is not ("train" or "test")) throw new InputException($"unknown split '{split}': expected train or test");
        if (!Directory.Exists(spec.Root)) throw new InputException($"{spec.Root}: image folder not found");
        string train = Path.Combine(spec.Root, "train");
        bool hasSplits = Directory.Exists(train);
        string classRoot = hasSplits ? train : spec.Root;
        var classes = ChooseClasses(spec, ClassFolders(classRoot));
        string splitRoot = classRoot;
        if (hasSplits && split == "test")
        {
            splitRoot = new[] { "val", "test" }.Select(d => Path.Combine(spec.Root, d)).FirstOrDefault(Directory.Exists)
                ?? throw new InputException($"{spec.Root}: has train/ but no val/ or test/ folder for the test split");
            var extra = ClassFolders(splitRoot).Except(ClassFolders(classRoot)).ToList();
            if (extra.Count > 0)
                throw new InputException($"{splitRoot}: class folder '{extra[0]}' has no counterpart in {classRoot}");
        }
        var files = new List<(string, int)>();
        for (int label = 0; label < classes.Count; label++)
        {
            string dir = Path.Combine(splitRoot, classes[label]);
            var images = Directory.Exists(dir) ? ImagesIn(dir) : [];
            if (!hasSplits) images = images.Where(f => IsHeldOut(f, spec.Holdout) == (split == "test")).ToList();
            if (images.Count == 0 && (split == "train" || hasSplits))
                throw new InputException($"{dir}: class folder holds no images (.png, .jpg, .jpeg); remove it or leave it out with classes=");
            files.AddRange(images.Select(f => (f, label)));
        }
        files.Sort((a, b) => OrderKey(a.Item1).CompareTo(OrderKey(b.Item1)) is var c && c != 0 ? c : string.CompareOrdinal(a.Item1, b.Item1));
        return new FolderLayout(classes, files);
    }

    private static List<string> ClassFolders(string root) =>
        Directory.GetDirectories(root).Select(Path.GetFileName).OfType<string>()
            .Where(n => !n.StartsWith('.')).OrderBy(n => n, StringComparer.Ordinal).ToList();

    private static List<string> ChooseClasses(FolderSpec spec, List<string> all)
    {
        if (all.Count < 2) throw new InputException($"{spec.Root}: needs at least two class folders, found {all.Count}");
        if (spec.ClassNames is { } names)
        {
            var missing = names.Where(n => !all.Contains(n)).ToList();
            if (missing.Count > 0) throw new InputException($"{spec.Root}: no class folder '{missing[0]}' (classes: {string.Join(", ", all.Take(10))}{(all.Count > 10 ? ", …" : "")})");
            return all.Where(names.Contains).ToList();  // ImageFolder's order: sorted, whatever order they were named in
        }
        if (spec.ClassCount is { } n)
            return n <= all.Count ? all.Take(n).ToList() : throw new InputException($"{spec.Root}: classes={n}, but only {all.Count} class folders exist");
        return all;
    }

    private static List<string> ImagesIn(string dir)
    {
        var images = new List<string>();
        // every file below the class folder, as ImageFolder walks it (Tiny-ImageNet keeps its images in CLASS/images/)
        foreach (string file in Directory.GetFiles(dir, "*", SearchOption.AllDirectories).OrderBy(f => f, StringComparer.Ordinal))
        {
            string name = Path.GetFileName(file);
            if (name.StartsWith('.')) continue;  // .DS_Store and the like
            if (!ImageExtensions.Contains(Path.GetExtension(name).ToLowerInvariant()))
                throw new InputException($"{file}: not an image file (expected .png, .jpg or .jpeg in a class folder)");
            images.Add(file);
        }
        return images;
    }

    private static bool IsHeldOut(string file, double fraction) =>
        (ulong)StableHash.Of(Path.GetFileName(file)) % 1_000_000 < fraction * 1_000_000;

    private static long OrderKey(string file) =>
        StableHash.Of(Path.GetFileName(Path.GetDirectoryName(file)) + "/" + Path.GetFileName(file));
}
