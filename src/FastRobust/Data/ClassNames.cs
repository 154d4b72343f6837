namespace FastRobust.Data;

/// <summary>The names of a dataset's classes, for captions: CIFAR-10's ten words, MNIST's digits, else the class numbers.</summary>
public static class ClassNames
{
    /// <summary>CIFAR-10's classes in label order (batches.meta.txt of the binary release).</summary>
    public static readonly IReadOnlyList<string> Cifar10 =
        ["airplane", "automobile", "bird", "cat", "deer", "dog", "frog", "horse", "ship", "truck"];

    /// <summary>
    /// The names for <paramref name="classes"/> classes of the dataset named <paramref name="dataset"/> (as
    /// <see cref="DataLocator.NormalizeName"/> gives it; null when the images came from a file): CIFAR-10's words
    /// when the dataset is cifar10 with 10 classes, an image folder's class folders (of <paramref name="split"/>)
    /// when there are as many, else "0", "1", … (MNIST's labels are its digits).
    /// </summary>
    public static IReadOnlyList<string> For(string? dataset, int classes, string split = "test")
    {
        if (classes < 1) throw new ArgumentOutOfRangeException(nameof(classes), "a model has at least one class");
        if (dataset == "cifar10" && classes == Cifar10.Count) return Cifar10;
        if (dataset is not null && FolderSpec.IsFolder(dataset) && FolderLayout.Scan(FolderSpec.Parse(dataset), split).Classes is { } folders
            && folders.Count == classes)
            return folders;
        return Enumerable.Range(0, classes).Select(i => i.ToString(System.Globalization.CultureInfo.InvariantCulture)).ToArray();
    }
}
