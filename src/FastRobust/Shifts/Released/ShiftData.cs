using FastRobust.Data;
using FastRobust.Util;

namespace FastRobust.Shifts.Released;

/// <summary>
/// Finds the released distribution-shift sets under the data roots (FASTROBUST_DATA, then the repository's data/):
/// CIFAR-10-C (Hendrycks &amp; Dietterich) and CIFAR-10.1 v6 (Recht et al.). Neither ships with FastRobust; when one
/// is asked for and missing, the error says where it was looked for, where to get it and where to put it.
/// </summary>
public static class ShiftData
{
    public const string Cifar10CUrl = "https://zenodo.org/record/2535967 (CIFAR-10-C.tar)";
    public const string Cifar101Url = "https://github.com/modestyachts/CIFAR-10.1 (datasets/cifar10.1_v6_data.npy and cifar10.1_v6_labels.npy)";
    public const string Cifar101Data = "cifar10.1_v6_data.npy", Cifar101Labels = "cifar10.1_v6_labels.npy";

    /// <summary>Folders under a root that may hold CIFAR-10-C, in the order tried.</summary>
    public static readonly IReadOnlyList<string> Cifar10CLayouts = ["CIFAR-10-C", "cifar10-c", "cifar-10-c", "cifar10c", "CIFAR-10-C/CIFAR-10-C"];

    /// <summary>Folders under a root that may hold CIFAR-10.1 ("." is the root itself).</summary>
    public static readonly IReadOnlyList<string> Cifar101Layouts = ["cifar10.1", "CIFAR-10.1", "CIFAR-10.1/datasets", "cifar10.1/datasets", "."];

    public static CorruptedSet FindCifar10C() => FindCifar10C(DataLocator.Roots());

    public static CorruptedSet FindCifar10C(IReadOnlyList<string> roots)
    {
        var looked = new List<string>();
        foreach (string root in roots)
            foreach (string layout in Cifar10CLayouts)
            {
                string dir = Path.GetFullPath(Path.Combine(root, layout));
                if (File.Exists(Path.Combine(dir, CorruptedSet.LabelsFile))) return CorruptedSet.Open(dir);
                looked.Add(dir);
            }
        throw new InputException(
            $"CIFAR-10-C not found. Looked for labels.npy in: {Where(looked, roots)}. Download it from {Cifar10CUrl} and unpack it so that " +
            $"<root>/CIFAR-10-C/gaussian_noise.npy and <root>/CIFAR-10-C/labels.npy exist, with <root> the repository's data/ folder or ${DataLocator.EnvVar}; " +
            "or make a CIFAR-10-C-like folder there with ./run.sh corrupt --dataset cifar10 --split test --corruption all --out data/CIFAR-10-C.");
    }

    /// <summary>CIFAR-10.1 v6: 2,000 images uint8 [N, 32, 32, 3] and their labels.</summary>
    public static Dataset LoadCifar101() => LoadCifar101(DataLocator.Roots());

    public static Dataset LoadCifar101(IReadOnlyList<string> roots)
    {
        var looked = new List<string>();
        foreach (string root in roots)
            foreach (string layout in Cifar101Layouts)
            {
                string dir = Path.GetFullPath(Path.Combine(root, layout));
                string data = Path.Combine(dir, Cifar101Data), labels = Path.Combine(dir, Cifar101Labels);
                if (File.Exists(data) && File.Exists(labels)) return Read(data, labels);
                looked.Add(dir);
            }
        throw new InputException(
            $"CIFAR-10.1 not found. Looked for {Cifar101Data} and {Cifar101Labels} in: {Where(looked, roots)}. Download both from {Cifar101Url} " +
            $"into <root>/cifar10.1/, with <root> the repository's data/ folder or ${DataLocator.EnvVar}.");
    }

    /// <summary>Reads a CIFAR-10.1-style pair: uint8 [N, 32, 32, 3] images and int labels.</summary>
    public static Dataset Read(string dataPath, string labelsPath, string name = "cifar10.1")
    {
        var h = Npy.ReadHeader(dataPath);
        if (!h.Descr.EndsWith("u1", StringComparison.Ordinal) || h.Shape.Length != 4 || h.Shape[3] != 3)
            throw new InputException($"{dataPath}: expected uint8 images [N, 32, 32, 3], found {h.Descr} {Npy.ShapeString(h.Shape)}");
        var (bytes, shape) = Npy.ReadUInt8(dataPath);
        int[] labels = CorruptedSet.ReadLabels(labelsPath);
        if (labels.Length != shape[0]) throw new InputException($"{labelsPath}: {labels.Length} labels for {shape[0]} images in {dataPath}");
        foreach (int l in labels)
            if (l >= 10) throw new InputException($"{labelsPath}: label {l} is not a CIFAR-10 class");
        return new Dataset(name, CorruptedSet.HwcToChw(bytes, shape[0], shape[1], shape[2], 3), labels, 3, shape[1], shape[2], 10);
    }

    private static string Where(List<string> looked, IReadOnlyList<string> roots) =>
        roots.Count == 0 ? $"nowhere ({DataLocator.EnvVar} is not set and no repository data/ folder was found)" : string.Join("; ", looked);
}
