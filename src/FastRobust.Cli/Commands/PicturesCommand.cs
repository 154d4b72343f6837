using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using FastRobust.Attacks;
using FastRobust.Data;
using FastRobust.Imaging;
using FastRobust.Nn;
using FastRobust.Pictures;
using FastRobust.Util;

namespace FastRobust.Cli.Commands;

/// <summary>
/// ./run.sh pictures: seed 001's three pictures (Tsipras et al. 2019, "Robustness may be at odds with accuracy"),
/// a standard model and one or more robust ones side by side: loss-gradient maps, large-ε adversarial examples, and
/// the interpolation from an image to its large-ε adversarial example (docs/robust-training.md, "Pictures").
/// </summary>
public static class PicturesCommand
{
    public static readonly IReadOnlyList<string> Kinds = ["gradients", "large-eps", "interpolation"];

    public static Command Create()
    {
        var kind = new Option<string>("--kind") { Description = "gradients (Fig. 2), large-eps (Fig. 3) or interpolation (Fig. 4)", Required = true };
        kind.AcceptOnlyFromAmong([.. Kinds]);
        var standard = new Option<string>("--standard") { Description = "The standard model: a train --out folder (model.json, model.safetensors)", Required = true };
        var robust = new Option<string[]>("--robust")
        {
            Description = "A robust model's train --out folder; repeat for several (say an L∞- and an L2-trained one)", Required = true,
            AllowMultipleArgumentsPerToken = false,
        };
        var names = new Option<string?>("--names") { Description = "Row labels, comma-separated, standard first (default: from each folder's training.json)" };
        var dataset = new Option<string?>("--dataset") { Description = "mnist or cifar10 (default: the standard model's training dataset)" };
        var split = new Option<string>("--split") { Description = "Split the images come from", DefaultValueFactory = _ => "test" };
        split.AcceptOnlyFromAmong("test", "train");
        var count = new Option<int?>("--count") { Description = "Show the first N images of the split (gradients, large-eps: 8; interpolation: 3)" };
        var indices = new Option<string?>("--indices") { Description = "Show these images of the split instead, comma-separated (say 0,7,42)" };
        var epsL2 = new Option<float?>("--eps-l2") { Description = "ε of the L2 attack, pixel units (default 4·√(C·H·W/784), two decimals: 4 on MNIST, 7.92 on CIFAR-10)" };
        var epsLinf = new Option<float?>("--eps-linf") { Description = "ε of the L∞ attack, pixel units (default 0.4 on 1-channel images, 16/255 on colour)" };
        var norm = new Option<string>("--norm") { Description = "interpolation: which attack makes x_adv, l2 or linf", DefaultValueFactory = _ => "l2" };
        norm.AcceptOnlyFromAmong("l2", "linf");
        var steps = new Option<int>("--steps") { Description = "PGD steps of the large-ε attacks", DefaultValueFactory = _ => 100 };
        var alpha = new Option<float?>("--alpha") { Description = "PGD step size (default 2.5·ε/steps)" };
        var target = new Option<string>("--target")
        {
            Description = "What the large-ε attacks aim at: random (a random other class, the same for every model), next (label + 1), least-likely, none (untargeted) or a class number",
            DefaultValueFactory = _ => "random",
        };
        var ts = new Option<string>("--t") { Description = "interpolation: the points t of x + t·(x_adv − x), comma-separated", DefaultValueFactory = _ => "0,0.25,0.5,0.75,1" };
        var output = new Option<string>("--out") { Description = "The picture to write (.png)", Required = true };
        var device = CommonOptions.Device();
        var seed = CommonOptions.Seed();
        var cmd = new Command("pictures", "Seed 001's pictures, standard and robust models side by side: loss-gradient maps, large-ε adversarial examples, interpolations")
        {
            kind, standard, robust, names, dataset, split, count, indices, epsL2, epsLinf, norm, steps, alpha, target, ts, output, device, seed,
        };
        cmd.SetAction(r =>
        {
            var stdout = r.InvocationConfiguration.Output;
            string k = r.GetValue(kind)!;
            string outPath = r.GetValue(output)!;
            if (!outPath.EndsWith(".png", StringComparison.OrdinalIgnoreCase)) throw new InputException($"--out {outPath}: expected a .png file");
            var dirs = new[] { r.GetValue(standard)! }.Concat(r.GetValue(robust) ?? []).ToArray();
            foreach (var dir in dirs) RunFiles(dir);
            var labels = Labels(dirs, r.GetValue(names));
            var choice = TargetChoice.Parse(r.GetValue(target)!, "--target");
            var points = k == "interpolation" ? ParseTs(r.GetValue(ts)!) : [];
            int attackSteps = CommonOptions.Positive(r.GetValue(steps), "--steps");
            if (r.GetValue(alpha) is float a && !(a > 0)) throw new InputException($"--alpha must be positive, got {a}");
            if (r.GetValue(epsL2) is float e2 && !(e2 > 0 && float.IsFinite(e2))) throw new InputException($"--eps-l2 must be a positive number, got {e2}");
            if (r.GetValue(epsLinf) is float ei && !(ei > 0 && ei <= 1)) throw new InputException($"--eps-linf {ei}: an L∞ radius on [0, 1] pixels is positive and at most 1");
            string name = DataLocator.NormalizeName(r.GetValue(dataset) ?? TrainingDataset(dirs[0]));
            OutputPath.CheckFile(outPath, "--out");

            var dev = CommonOptions.OpenDevice(r.GetValue(device)!);
            var models = new List<PictureModel>();
            try
            {
                foreach (var (dir, label) in dirs.Zip(labels))
                {
                    var (spec, weights) = RunFiles(dir);
                    models.Add(new PictureModel(label, Model.Load(spec, weights, dev)));
                }
                var first = models[0].Model.Spec;
                foreach (var (m, dir) in models.Zip(dirs))
                    if (!m.Model.Spec.Input.SequenceEqual(first.Input) || m.Model.Spec.Classes != first.Classes)
                        throw new InputException($"{dir}: the model takes [{string.Join(", ", m.Model.Spec.Input)}] with {m.Model.Spec.Classes} classes, " +
                                                 $"but {dirs[0]} takes [{string.Join(", ", first.Input)}] with {first.Classes} classes");
                var data = DataLocator.Load(name, r.GetValue(split)!);
                Training.BatchedInference.CheckShape(models[0].Model, [data.N, data.C, data.H, data.W], $"{name} {r.GetValue(split)}");
                Training.BatchedInference.CheckLabels(models[0].Model, data.Labels, $"{name} {r.GetValue(split)}");
                int[] chosen = Indices(r.GetValue(indices), r.GetValue(count), r.GetValue(count) ?? (k == "interpolation" ? 3 : 8), data.N);
                var subset = data.Subset(chosen);
                var images = new PictureImages(subset.Images, subset.Labels, chosen, data.C, data.H, data.W, ClassNames.For(name, first.Classes, r.GetValue(split)!));
                int dims = data.C * data.H * data.W;
                float l2 = r.GetValue(epsL2) ?? (float)Math.Round(4 * Math.Sqrt(dims / 784.0), 2);
                float linf = r.GetValue(epsLinf) ?? (data.C == 1 ? 0.4f : 16f / 255);
                var l2Attack = new LargeEpsilonAttack(ThreatNorm.L2, l2, attackSteps, r.GetValue(alpha));
                var linfAttack = new LargeEpsilonAttack(ThreatNorm.Linf, linf, attackSteps, r.GetValue(alpha));
                string source = $"{name switch { "mnist" => "MNIST", "cifar10" => "CIFAR-10", _ => name }} {r.GetValue(split)}";
                ulong s = r.GetValue(seed);
                stdout.WriteLine($"pictures --kind {k}: {string.Join(", ", labels)} on {images.N} {source} images, device {dev.Name}, seed {s}");
                void Progress(string line) => stdout.WriteLine($"  attacking {line.Replace('\n', ' ')}");
                LabelledGrid grid = k switch
                {
                    "gradients" => GradientPicture.Build(models, images, source),
                    "large-eps" => LargeEpsilonPicture.Build(models, images, [l2Attack, linfAttack], choice, s, source, Progress),
                    _ => InterpolationPicture.Build(models, images, r.GetValue(norm) == "l2" ? l2Attack : linfAttack, choice, points, s, source, Progress),
                };
                grid.SavePng(outPath);
                stdout.WriteLine($"wrote {outPath}");
            }
            finally
            {
                foreach (var m in models) m.Model.Dispose();
            }
            return 0;
        });
        return cmd;
    }

    /// <summary>The spec and weights of a train --out folder, or a clear error naming what is missing.</summary>
    private static (string Spec, string Weights) RunFiles(string dir)
    {
        if (!Directory.Exists(dir)) throw new InputException($"{dir}: no such folder (expected a train --out folder)");
        string spec = Path.Combine(dir, "model.json"), weights = Path.Combine(dir, "model.safetensors");
        foreach (var f in new[] { spec, weights })
            if (!File.Exists(f)) throw new InputException($"{dir}: {Path.GetFileName(f)} is missing (expected a train --out folder)");
        return (spec, weights);
    }

    /// <summary>Row labels: --names, else each folder's training method ("standard", "fgsm-rs L∞ ε 0.3", "noise σ 0.3").</summary>
    private static string[] Labels(string[] dirs, string? names)
    {
        if (names is not null)
        {
            var given = names.Split(',').Select(n => n.Trim()).ToArray();
            if (given.Length != dirs.Length || given.Any(n => n.Length == 0))
                throw new InputException($"--names '{names}': expected {dirs.Length} non-empty labels (standard first, then each --robust)");
            return given;
        }
        var labels = dirs.Select((d, i) => Describe(d) ?? (i == 0 ? "standard" : "robust")).ToArray();
        // two folders trained alike would read the same: number them
        return labels.Select((l, i) => labels.Count(o => o == l) > 1 ? $"{l} ({Path.GetFileName(Path.TrimEndingDirectorySeparator(dirs[i]))})" : l).ToArray();
    }

    private static JsonElement? TrainingJson(string dir)
    {
        string path = Path.Combine(dir, "training.json");
        if (!File.Exists(path)) return null;
        try { return JsonDocument.Parse(File.ReadAllText(path)).RootElement.Clone(); }
        catch (JsonException e) { throw new InputException($"{path}: not valid JSON ({e.Message})"); }
    }

    /// <summary>The training method a folder's training.json records, in words; null without one.</summary>
    private static string? Describe(string dir)
    {
        if (TrainingJson(dir) is not { } json || !json.TryGetProperty("options", out var o) || !o.TryGetProperty("robust", out var rb)) return null;
        static string F(double v) => v.ToString("0.###", CultureInfo.InvariantCulture);
        string method = rb.TryGetProperty("method", out var m) && m.ValueKind == JsonValueKind.String ? m.GetString()! : "none";
        double sigma = rb.TryGetProperty("noise_sigma", out var ns) && ns.ValueKind == JsonValueKind.Number ? ns.GetDouble() : 0;
        if (method == "none") return sigma > 0 ? $"noise σ {F(sigma)}" : "standard";
        bool l2 = rb.TryGetProperty("l2", out var l) && l.ValueKind == JsonValueKind.True;
        string eps = rb.TryGetProperty("epsilon", out var e) && e.ValueKind == JsonValueKind.Number ? $" ε {F(e.GetDouble())}" : "";
        return $"{method} {(l2 ? "L2" : "L∞")}{eps}";
    }

    /// <summary>The dataset the standard model was trained on (training.json), the default of --dataset.</summary>
    private static string TrainingDataset(string dir) =>
        TrainingJson(dir) is { } json && json.TryGetProperty("dataset", out var d) && d.ValueKind == JsonValueKind.String
            ? d.GetString()!
            : throw new InputException($"{dir} has no training.json naming its dataset: give --dataset");

    private static int[] Indices(string? list, int? given, int count, int n)
    {
        if (list is not null && given is not null) throw new InputException("give --count or --indices, not both");
        if (list is null)
        {
            CommonOptions.Positive(count, "--count");
            if (count > n) throw new InputException($"--count {count}: the split has only {n} images");
            return Enumerable.Range(0, count).ToArray();
        }
        var parts = list.Split(',', StringSplitOptions.TrimEntries);
        var result = new int[parts.Length];
        for (int i = 0; i < parts.Length; i++)
            if (!int.TryParse(parts[i], NumberStyles.None, CultureInfo.InvariantCulture, out result[i]) || result[i] >= n)
                throw new InputException($"--indices '{list}': '{parts[i]}' is not an image index of the split (0 to {n - 1})");
        return result;
    }

    private static float[] ParseTs(string list)
    {
        var parts = list.Split(',', StringSplitOptions.TrimEntries);
        var t = new float[parts.Length];
        for (int i = 0; i < parts.Length; i++)
            if (!float.TryParse(parts[i], NumberStyles.Float, CultureInfo.InvariantCulture, out t[i]) || !float.IsFinite(t[i]) || t[i] < 0 || t[i] > 1)
                throw new InputException($"--t '{list}': '{parts[i]}' is not a number in [0, 1]");
        return t;
    }
}
