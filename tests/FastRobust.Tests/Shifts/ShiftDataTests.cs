using FastRobust.Data;
using FastRobust.Shifts.Generation;
using FastRobust.Shifts.Released;
using FastRobust.Tests.DataTests;
using FastRobust.Util;
using Xunit;

namespace FastRobust.Tests.Shifts;

/// <summary>Readers of CIFAR-10-C-like folders and of CIFAR-10.1, and their errors when a set is missing.</summary>
public class ShiftDataTests
{
    /// <summary>A small CIFAR-10-C-like folder: N images per severity, pixel value = f(severity, image, offset).</summary>
    private static void WriteFolder(string dir, int n, int[] severities, string[] corruptions, bool uint8Labels = true, bool manifest = false)
    {
        Directory.CreateDirectory(dir);
        foreach (var c in corruptions)
        {
            var bytes = new byte[severities.Length * n * 3072];
            for (int k = 0; k < severities.Length; k++)
                for (int i = 0; i < n; i++)
                    for (int j = 0; j < 3072; j++) bytes[(k * n + i) * 3072 + j] = Pixel(severities[k], i, j);
            Npy.WriteUInt8(Path.Combine(dir, c + ".npy"), bytes, [severities.Length * n, 32, 32, 3]);
        }
        var labels = Enumerable.Range(0, severities.Length * n).Select(i => i % n % 10).ToArray();
        if (uint8Labels) Npy.WriteUInt8(Path.Combine(dir, "labels.npy"), labels.Select(l => (byte)l).ToArray(), [labels.Length]);
        else Npy.WriteLabels(Path.Combine(dir, "labels.npy"), labels);
        if (manifest) File.WriteAllText(Path.Combine(dir, "manifest.json"), $"{{\"severities\": [{string.Join(", ", severities)}]}}");
    }

    private static byte Pixel(int severity, int image, int offset) => (byte)((severity * 50 + image * 7 + offset) % 256);

    [Fact]
    public void ReadsOneSeveritySliceAsChwFloats()
    {
        using var tmp = new TempDir();
        string dir = Path.Combine(tmp.Path, "CIFAR-10-C");
        WriteFolder(dir, 4, [1, 2, 3, 4, 5], ["fog", "gaussian_noise"]);
        var set = CorruptedSet.Open(dir);
        Assert.Equal(4, set.N);
        Assert.Equal(["gaussian_noise", "fog"], set.Available.Select(c => c.Name));
        var d = set.Load(Corruptions.Get("fog"), 3);
        Assert.Equal((4, 3, 32, 32), (d.N, d.C, d.H, d.W));
        Assert.Equal([0, 1, 2, 3], d.Labels);
        // HWC offset (y·32 + x)·3 + c lands at CHW c·1024 + y·32 + x
        Assert.Equal(Pixel(3, 2, (5 * 32 + 6) * 3 + 1) / 255f, d.Images[2 * 3072 + 1 * 1024 + 5 * 32 + 6]);
        Assert.Equal(2, set.Load(Corruptions.Get("fog"), 5, limit: 2).N);
        Assert.Contains("has gaussian_noise, fog", Assert.Throws<InputException>(() => set.Load(Corruptions.Get("snow"), 1)).Message);
    }

    [Fact]
    public void ManifestNamesFewerSeveritiesAndInt64LabelsWork()
    {
        using var tmp = new TempDir();
        WriteFolder(tmp.Path, 3, [2, 5], ["snow"], uint8Labels: false, manifest: true);
        var set = CorruptedSet.Open(tmp.Path);
        Assert.Equal([2, 5], set.Severities);
        Assert.Equal(Pixel(5, 1, 0) / 255f, set.Load(Corruptions.Get("snow"), 5).Images[3072]);
        Assert.Contains("not 3", Assert.Throws<InputException>(() => set.Load(Corruptions.Get("snow"), 3)).Message);
    }

    [Fact]
    public void BadFoldersAreRefused()
    {
        using var tmp = new TempDir();
        Assert.Contains("labels.npy", Assert.Throws<InputException>(() => CorruptedSet.Open(tmp.Path)).Message);
        WriteFolder(tmp.Path, 4, [1, 2, 3, 4, 5], ["fog"]);
        Npy.WriteUInt8(Path.Combine(tmp.Path, "labels.npy"), new byte[7], [7]);
        Assert.Contains("do not split", Assert.Throws<InputException>(() => CorruptedSet.Open(tmp.Path)).Message);
        Npy.WriteUInt8(Path.Combine(tmp.Path, "labels.npy"), new byte[10], [10]);
        Assert.Contains("fog.npy: 20 images", Assert.Throws<InputException>(() => CorruptedSet.Open(tmp.Path)).Message);
    }

    [Fact]
    public void FindsCifar10CUnderARootAndSaysWhereItGoesWhenMissing()
    {
        using var tmp = new TempDir();
        var e = Assert.Throws<InputException>(() => ShiftData.FindCifar10C([tmp.Path]));
        Assert.Contains("CIFAR-10-C not found", e.Message);
        Assert.Contains(Path.Combine(tmp.Path, "CIFAR-10-C"), e.Message);
        Assert.Contains("zenodo.org/record/2535967", e.Message);
        Assert.Contains("./run.sh corrupt", e.Message);
        WriteFolder(Path.Combine(tmp.Path, "CIFAR-10-C"), 2, [1, 2, 3, 4, 5], ["contrast"]);
        Assert.Equal(Path.Combine(tmp.Path, "CIFAR-10-C"), ShiftData.FindCifar10C([tmp.Path]).Directory);
    }

    [Fact]
    public void ReadsCifar101AndSaysWhereItGoesWhenMissing()
    {
        using var tmp = new TempDir();
        var e = Assert.Throws<InputException>(() => ShiftData.LoadCifar101([tmp.Path]));
        Assert.Contains("cifar10.1_v6_data.npy", e.Message);
        Assert.Contains("github.com/modestyachts/CIFAR-10.1", e.Message);
        Assert.Contains(Path.Combine(tmp.Path, "cifar10.1"), e.Message);
        string dir = Path.Combine(tmp.Path, "cifar10.1");
        Directory.CreateDirectory(dir);
        var bytes = Enumerable.Range(0, 3 * 3072).Select(i => (byte)(i % 251)).ToArray();
        Npy.WriteUInt8(Path.Combine(dir, "cifar10.1_v6_data.npy"), bytes, [3, 32, 32, 3]);
        Npy.WriteLabels(Path.Combine(dir, "cifar10.1_v6_labels.npy"), [9, 0, 4]);
        var d = ShiftData.LoadCifar101([tmp.Path]);
        Assert.Equal((3, 3, 10), (d.N, d.C, d.Classes));
        Assert.Equal([9, 0, 4], d.Labels);
        Assert.Equal(bytes[3072 + 2] / 255f, d.Images[3072 + 2 * 1024]);
    }
}
