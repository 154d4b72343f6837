using FastRobust.Util;

namespace FastRobust.Data;

/// <summary>
/// A dataset given on the command line as <c>npy:DIR</c>: DIR/train_images.npy with DIR/train_labels.npy, and
/// DIR/test_images.npy with DIR/test_labels.npy (the CLI's array format, <see cref="NpyDataset"/>). The number of
/// classes is one more than the largest label of either split.
/// </summary>
public static class NpyFolder
{
    public const string Prefix = "npy:";

    public static bool IsNpy(string dataset) => dataset.StartsWith(Prefix, StringComparison.OrdinalIgnoreCase);

    /// <summary>The folder of an <c>npy:DIR</c> argument.</summary>
    public static string Folder(string dataset)
    {
        string dir = dataset[Prefix.Length..];
        if (dir.Length == 0) throw new InputException($"--dataset {dataset}: name the folder, as npy:DIR");
        if (!Directory.Exists(dir)) throw new InputException($"--dataset {dataset}: folder {dir} not found");
        return dir;
    }

    public static (string Images, string Labels) Files(string dir, string split) =>
        (Path.Combine(dir, $"{split}_images.npy"), Path.Combine(dir, $"{split}_labels.npy"));

    public static bool Has(string dir, string split)
    {
        var (images, labels) = Files(dir, split);
        return File.Exists(images) && File.Exists(labels);
    }

    /// <summary>Both splits (test null when DIR has none), with one class count.</summary>
    public static (Dataset Train, Dataset? Test) Load(string dir)
    {
        var train = Read(dir, "train", null);
        var test = Has(dir, "test") ? Read(dir, "test", null) : null;
        int classes = Math.Max(train.Classes, test?.Classes ?? 0);
        train = new Dataset(train.Name, train.Images, train.Labels, train.C, train.H, train.W, classes);
        if (test is not null)
        {
            if (test.C != train.C || test.H != train.H || test.W != train.W)
                throw new InputException($"{dir}: test images are [{test.C}, {test.H}, {test.W}], training images [{train.C}, {train.H}, {train.W}]");
            test = new Dataset(test.Name, test.Images, test.Labels, test.C, test.H, test.W, classes);
        }
        return (train, test);
    }

    /// <summary>Writes a split as DIR/{split}_images.npy and DIR/{split}_labels.npy.</summary>
    public static void Write(Dataset data, string dir, string split)
    {
        Directory.CreateDirectory(dir);
        var (images, labels) = Files(dir, split);
        NpyDataset.Write(data, images, labels);
    }

    private static Dataset Read(string dir, string split, int? classes)
    {
        var (images, labels) = Files(dir, split);
        foreach (string f in new[] { images, labels })
            if (!File.Exists(f)) throw new InputException($"npy:{dir}: no {Path.GetFileName(f)} (a folder of train_images.npy, train_labels.npy and optionally test_images.npy, test_labels.npy)");
        return NpyDataset.Read(images, labels, classes, $"npy:{dir} {split}");
    }
}
