using System.Text.Json;
using System.Text.Json.Nodes;
using FastRobust.Data;
using FastRobust.Shifts.Generation;
using FastRobust.Util;

namespace FastRobust.Shifts.Released;

/// <summary>
/// A folder laid out like the released CIFAR-10-C (Hendrycks &amp; Dietterich, zenodo.org/record/2535967): one
/// <c>&lt;corruption&gt;.npy</c> per corruption, uint8 [k·N, H, W, C] with the N images of severity s in rows
/// [(s − 1)·N, s·N), and <c>labels.npy</c> [k·N] (uint8 in the release; int32/int64 accepted). The release has
/// k = 5 and N = 10,000; folders written by <c>./run.sh corrupt</c> add a <c>manifest.json</c> naming their
/// severities when they hold fewer than five. Images are read one severity slice at a time.
/// </summary>
public sealed class CorruptedSet
{
    public const string LabelsFile = "labels.npy";
    public const string ManifestFile = "manifest.json";

    private CorruptedSet(string dir, int[] severities, int n, int[] labels, IReadOnlyList<Corruption> available, JsonObject? manifest)
    {
        Directory = dir;
        Severities = severities;
        N = n;
        Labels = labels;
        Available = available;
        Manifest = manifest;
    }

    public string Directory { get; }

    /// <summary>Severities the files hold, in row-block order.</summary>
    public int[] Severities { get; }

    /// <summary>Images per severity.</summary>
    public int N { get; }

    /// <summary>Labels of one severity block (the release repeats them per severity).</summary>
    public int[] Labels { get; }

    /// <summary>Corruptions with a file in the folder, in <see cref="Corruptions.All"/> order.</summary>
    public IReadOnlyList<Corruption> Available { get; }

    public JsonObject? Manifest { get; }

    public string PathOf(Corruption c) => Path.Combine(Directory, c.Name + ".npy");

    /// <summary>Opens a folder, checking labels, layout and every corruption file's header.</summary>
    public static CorruptedSet Open(string dir)
    {
        if (!System.IO.Directory.Exists(dir)) throw new InputException($"{dir}: not a folder");
        string labelsPath = Path.Combine(dir, LabelsFile);
        if (!File.Exists(labelsPath)) throw new InputException($"{dir}: no {LabelsFile}, so it is not a CIFAR-10-C-like folder");
        int[] allLabels = ReadLabels(labelsPath);
        JsonObject? manifest = null;
        int[] severities = [1, 2, 3, 4, 5];
        string manifestPath = Path.Combine(dir, ManifestFile);
        if (File.Exists(manifestPath))
        {
            try { manifest = JsonNode.Parse(File.ReadAllText(manifestPath)) as JsonObject; }
            catch (JsonException e) { throw new InputException($"{manifestPath}: not valid JSON ({e.Message})"); }
            if (manifest?["severities"] is JsonArray arr) severities = arr.Select(v => v!.GetValue<int>()).ToArray();
            if (severities.Length == 0 || severities.Any(s => s < 1 || s > Corruptions.Severities))
                throw new InputException($"{manifestPath}: 'severities' must list severities 1-5");
        }
        if (allLabels.Length % severities.Length != 0)
            throw new InputException($"{labelsPath}: {allLabels.Length} labels do not split into {severities.Length} severities");
        int n = allLabels.Length / severities.Length;
        var labels = allLabels.AsSpan(0, n).ToArray();
        var available = new List<Corruption>();
        foreach (var c in Corruptions.All)
        {
            string path = Path.Combine(dir, c.Name + ".npy");
            if (!File.Exists(path)) continue;
            var h = Npy.ReadHeader(path);
            if (!h.Descr.EndsWith("u1", StringComparison.Ordinal) || h.Shape.Length != 4 || h.Shape[3] is not (1 or 3))
                throw new InputException($"{path}: expected uint8 images [k·N, H, W, C], found {h.Descr} {Npy.ShapeString(h.Shape)}");
            if (h.Shape[0] != allLabels.Length)
                throw new InputException($"{path}: {h.Shape[0]} images, but {labelsPath} has {allLabels.Length} labels");
            available.Add(c);
        }
        if (available.Count == 0)
            throw new InputException($"{dir}: no corruption files (expected e.g. {Corruptions.Names[0]}.npy beside {LabelsFile})");
        return new CorruptedSet(Path.GetFullPath(dir), severities, n, labels, available, manifest);
    }

    /// <summary>The N images of one corruption at one severity, float NCHW in [0, 1].</summary>
    public Dataset Load(Corruption corruption, int severity, int classes = 10, int? limit = null)
    {
        int block = Array.IndexOf(Severities, severity);
        if (block < 0) throw new InputException($"{Directory}: holds severities {string.Join(", ", Severities)}, not {severity}");
        string path = PathOf(corruption);
        if (!File.Exists(path)) throw new InputException($"{path}: not found ({Directory} has {string.Join(", ", Available.Select(a => a.Name))})");
        var h = Npy.ReadHeader(path);
        int rows = Math.Min(limit ?? N, N), height = h.Shape[1], width = h.Shape[2], c = h.Shape[3];
        int image = height * width * c;
        var bytes = new byte[(long)rows * image];
        try
        {
            using var s = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16);
            s.Seek(h.DataOffset + (long)block * N * image, SeekOrigin.Begin);
            if (s.ReadAtLeast(bytes, bytes.Length, throwOnEndOfStream: false) < bytes.Length)
                throw new InputException($"{path}: truncated");
        }
        catch (IOException e) { throw new InputException($"{path}: cannot read: {e.Message}"); }
        var labels = Labels.AsSpan(0, rows).ToArray();
        foreach (int l in labels)
            if (l >= classes) throw new InputException($"{Path.Combine(Directory, LabelsFile)}: label {l} is not below {classes} classes");
        return new Dataset($"{corruption.Name}-{severity}", HwcToChw(bytes, rows, height, width, c), labels, c, height, width, classes);
    }

    /// <summary>uint8 [N, H, W, C] to float [N, C, H, W] / 255.</summary>
    public static float[] HwcToChw(byte[] bytes, int n, int h, int w, int c)
    {
        int image = h * w * c, plane = h * w;
        var result = new float[(long)n * image];
        Parallel.For(0, n, i =>
        {
            for (int p = 0; p < plane; p++)
                for (int ch = 0; ch < c; ch++)
                    result[(long)i * image + ch * plane + p] = PixelBytes.ToFloat(bytes[(long)i * image + p * c + ch]);
        });
        return result;
    }

    /// <summary>Class labels stored as uint8 (the release), int32 or int64.</summary>
    public static int[] ReadLabels(string path)
    {
        var h = Npy.ReadHeader(path);
        if (h.Shape.Length != 1) throw new InputException($"{path}: labels must have shape [N], not {Npy.ShapeString(h.Shape)}");
        if (h.Descr.EndsWith("u1", StringComparison.Ordinal)) return Array.ConvertAll(Npy.ReadUInt8(path).Data, b => (int)b);
        return Npy.ReadLabels(path);
    }
}
