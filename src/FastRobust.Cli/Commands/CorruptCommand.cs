using System.CommandLine;
using System.Diagnostics;
using System.Text.Json;
using System.Text.Json.Nodes;
using FastRobust.Data;
using FastRobust.Imaging;
using FastRobust.Shifts.Generation;
using FastRobust.Shifts.Released;
using FastRobust.Util;

namespace FastRobust.Cli.Commands;

/// <summary>
/// ./run.sh corrupt: writes a CIFAR-10-C-like folder (one uint8 [k·N, H, W, C] .npy per corruption, severity-major,
/// labels.npy, manifest.json) made from a clean split, and optionally a PNG grid of one image under every
/// corruption and severity.
/// </summary>
public static class CorruptCommand
{
    public static Command Create()
    {
        var dataset = new Option<string>("--dataset") { Description = "cifar10, mnist (found under data/ or FASTROBUST_DATA) or folder:PATH (an image folder, docs/datasets.md)", DefaultValueFactory = _ => "cifar10" };
        var split = new Option<string>("--split") { Description = "test or train", DefaultValueFactory = _ => "test" };
        split.AcceptOnlyFromAmong("test", "train");
        var corruption = new Option<string>("--corruption")
        {
            Description = $"all (19), benchmark (the 15 of mCE) or a comma list of: {string.Join(", ", Corruptions.Names)}",
            DefaultValueFactory = _ => "all",
        };
        var severity = new Option<string>("--severity") { Description = "Severities: 1-5, one (3) or a list (1,3,5)", DefaultValueFactory = _ => "1-5" };
        var output = new Option<string>("--out") { Description = "Folder for <corruption>.npy, labels.npy and manifest.json", Required = true };
        var png = new Option<string?>("--png") { Description = "Also write DIR/corruptions.png: one image under every corruption (rows, named) and severity (columns, labelled)" };
        var pngIndex = new Option<int>("--png-index") { Description = "Which image of the split the grid shows", DefaultValueFactory = _ => 0 };
        var limit = new Option<int?>("--limit") { Description = "Corrupt the first N images of the split only" };
        var device = CommonOptions.Device();
        var seed = CommonOptions.Seed();
        var cmd = new Command("corrupt", "Corrupt a clean split with the CIFAR-10-C corruptions (Hendrycks & Dietterich 2019) and write it laid out like the released CIFAR-10-C")
        {
            dataset, split, corruption, severity, output, png, pngIndex, limit, device, seed,
        };
        cmd.SetAction(r =>
        {
            var stdout = r.InvocationConfiguration.Output;
            string name = DataLocator.NormalizeName(r.GetValue(dataset)!);
            var corruptions = Corruptions.Parse(r.GetValue(corruption)!);
            int[] severities = Corruptions.ParseSeverities(r.GetValue(severity)!);
            string dir = r.GetValue(output)!;
            string? pngDir = r.GetValue(png);
            OutputPath.CheckDirectory(dir, "--out");
            if (pngDir != null) OutputPath.CheckDirectory(pngDir, "--png");
            ulong s = r.GetValue(seed);
            var dev = CommonOptions.OpenDevice(r.GetValue(device)!);
            var data = DataLocator.Load(name, r.GetValue(split)!);
            if (r.GetValue(limit) is int lim) data = data.Take(CommonOptions.Positive(lim, "--limit"));
            int index = r.GetValue(pngIndex);
            if (pngDir != null && (index < 0 || index >= data.N)) throw new InputException($"--png-index {index} is outside the {data.N} images");
            if (data.C == 1)
            {
                var unusable = corruptions.Where(c => !c.SupportsGray).ToList();
                if (unusable.Count > 0 && r.GetValue(corruption)!.Split(',').Length == 1 && corruptions.Count == unusable.Count)
                    throw new InputException($"{unusable[0].Name} is not defined for 1-channel images");
                foreach (var c in unusable) stdout.WriteLine($"skipping {c.Name}: not defined for 1-channel images");
                corruptions = corruptions.Where(c => c.SupportsGray).ToArray();
            }
            if (data.Classes > 255) throw new InputException($"{name} has {data.Classes} classes; CIFAR-10-C's uint8 labels hold at most 255");
            var manifest = Manifest(dir, name, r.GetValue(split)!, data, severities, s, corruptions);
            var shape = new ImageShape(data.C, data.H, data.W);
            if (!dev.IsCpu)
            {
                var onHost = corruptions.Where(c => !Corruptions.OnDevice(c, shape, dev.Backend)).Select(c => c.Name).ToList();
                if (onHost.Count > 0) stdout.WriteLine($"note: {string.Join(", ", onHost)} ha{(onHost.Count == 1 ? "s" : "ve")} no {dev.Name} kernels yet and run{(onHost.Count == 1 ? "s" : "")} on the CPU (the same images either way)");
            }
            stdout.WriteLine($"corrupting {data} with {corruptions.Count} corruption(s) at severities {string.Join(",", severities)}, seed {s}, into {dir}");

            var clean = Corruptions.ToBytes(data.Images, data.Images.LongLength);
            int image = shape.Size;
            var grid = pngDir == null ? null : CorruptionGrid(name, r.GetValue(split)!, index, data, corruptions, severities);
            var total = Stopwatch.StartNew();
            for (int ci = 0; ci < corruptions.Count; ci++)
            {
                var c = corruptions[ci];
                var watch = Stopwatch.StartNew();
                var hwc = new byte[(long)severities.Length * data.N * image];
                for (int k = 0; k < severities.Length; k++)
                {
                    var chw = Corruptions.ApplyBytes(c, severities[k], clean, data.N, shape, s, 0, dev.Backend);
                    ToHwc(chw, hwc, (long)k * data.N * image, data.N, shape);
                    if (grid != null)
                    {
                        grid.Draw(ci, k + 1, Floats(chw.AsSpan(index * image, image)), data.C, data.H, data.W);
                        if (k == 0) grid.Draw(ci, 0, data.Image(index), data.C, data.H, data.W);
                    }
                }
                Npy.WriteUInt8(Path.Combine(dir, c.Name + ".npy"), hwc, [severities.Length * data.N, data.H, data.W, data.C]);
                double sec = watch.Elapsed.TotalSeconds;
                stdout.WriteLine($"  {c.Name,-18} {severities.Length * data.N,7} images in {sec,6:F2} s ({severities.Length * data.N / Math.Max(sec, 1e-9),9:N0} img/s) on {(Corruptions.OnDevice(c, shape, dev.Backend) ? dev.Name : "cpu")}");
            }
            var labels = new byte[(long)severities.Length * data.N];
            for (int k = 0; k < severities.Length; k++)
                for (int i = 0; i < data.N; i++) labels[(long)k * data.N + i] = (byte)data.Labels[i];
            Npy.WriteUInt8(Path.Combine(dir, CorruptedSet.LabelsFile), labels, [labels.Length]);
            AtomicFile.WriteAllText(Path.Combine(dir, CorruptedSet.ManifestFile), manifest.ToJsonString(new JsonSerializerOptions { WriteIndented = true }) + "\n");
            stdout.WriteLine($"wrote {corruptions.Count} corruption file(s), labels.npy and manifest.json to {dir} in {total.Elapsed.TotalSeconds:F1} s");
            if (grid != null)
            {
                string pngPath = Path.Combine(pngDir!, "corruptions.png");
                Directory.CreateDirectory(pngDir!);
                grid.SavePng(pngPath);
                stdout.WriteLine($"wrote {pngPath}: rows {string.Join(", ", corruptions.Select(c => c.Name))}; columns clean, severity {string.Join(", ", severities)}");
            }
            return 0;
        });
        return cmd;
    }

    /// <summary>
    /// The manifest of this run, merged with the folder's existing one when that was made with the same data,
    /// severities and seed (so corruptions can be added in several runs); anything else in the folder is refused.
    /// </summary>
    private static JsonObject Manifest(string dir, string name, string split, Dataset data, int[] severities, ulong seed, IReadOnlyList<Corruption> corruptions)
    {
        var names = corruptions.Select(c => c.Name).ToList();
        string path = Path.Combine(dir, CorruptedSet.ManifestFile);
        if (File.Exists(path))
        {
            JsonObject? old;
            try { old = JsonNode.Parse(File.ReadAllText(path)) as JsonObject; }
            catch (JsonException e) { throw new InputException($"{path}: not valid JSON ({e.Message}); use another --out"); }
            bool same = old != null && old["dataset"]?.GetValue<string>() == name && old["split"]?.GetValue<string>() == split
                        && old["n"]?.GetValue<int>() == data.N && old["seed"]?.GetValue<ulong>() == seed
                        && old["severities"] is JsonArray sv && sv.Select(v => v!.GetValue<int>()).SequenceEqual(severities);
            if (!same)
                throw new InputException($"{dir} already holds a set made with other settings ({path}); use another --out or remove it");
            foreach (var n in old!["corruptions"] as JsonArray ?? []) if (!names.Contains(n!.GetValue<string>())) names.Add(n.GetValue<string>());
        }
        else if (Directory.Exists(dir) && File.Exists(Path.Combine(dir, CorruptedSet.LabelsFile)))
            throw new InputException($"{dir} already holds a CIFAR-10-C-like set without a manifest (the released one?); use another --out");
        names = Corruptions.Names.Where(names.Contains).ToList();
        return new JsonObject
        {
            ["generator"] = "FastRobust corrupt (make_cifar_c.py's corruptions; frost procedural; see docs/shifts.md)",
            ["dataset"] = name,
            ["split"] = split,
            ["n"] = data.N,
            ["shape"] = new JsonArray(data.H, data.W, data.C),
            ["severities"] = new JsonArray(severities.Select(v => (JsonNode)v).ToArray()),
            ["seed"] = seed,
            ["corruptions"] = new JsonArray(names.Select(v => (JsonNode)v).ToArray()),
            ["layout"] = "uint8 [k*n, H, W, C] per corruption, severity-major; labels.npy uint8 [k*n]",
        };
    }

    /// <summary>The picture's frame: corruption names as row headers, clean and each severity as column headers.</summary>
    public static LabelledGrid CorruptionGrid(string name, string split, int index, Dataset data, IReadOnlyList<Corruption> corruptions, int[] severities)
    {
        var grid = new LabelledGrid(corruptions.Count, severities.Length + 1, data.H, data.W, zoom: Math.Max(1, 128 / Math.Max(data.H, data.W)))
        {
            Title = $"{name switch { "mnist" => "MNIST", "cifar10" => "CIFAR-10", _ => name }} {split} image {index} under {corruptions.Count} corruption{(corruptions.Count == 1 ? "" : "s")}",
        };
        grid.SetColumnHeader(0, "clean");
        for (int k = 0; k < severities.Length; k++) grid.SetColumnHeader(k + 1, $"severity {severities[k]}");
        for (int ci = 0; ci < corruptions.Count; ci++) grid.SetRowHeader(ci, corruptions[ci].Name);
        return grid;
    }

    /// <summary>CHW images to the released set's HWC, from <paramref name="offset"/> on; images in parallel (a serial transpose of a 30 MB severity took ~0.2 s).</summary>
    private static void ToHwc(byte[] chw, byte[] hwc, long offset, int n, ImageShape shape)
    {
        int plane = shape.Plane, image = shape.Size, c = shape.C;
        Parallel.For(0, n, i =>
        {
            long o = offset + (long)i * image;
            int b = i * image;
            for (int p = 0; p < plane; p++)
                for (int ch = 0; ch < c; ch++)
                    hwc[o + p * c + ch] = chw[b + ch * plane + p];
        });
    }

    private static float[] Floats(ReadOnlySpan<byte> bytes)
    {
        var f = new float[bytes.Length];
        for (int i = 0; i < f.Length; i++) f[i] = bytes[i] / 255f;
        return f;
    }
}
