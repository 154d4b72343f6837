using System.CommandLine;
using System.Text.Json;
using FastRobust.Data;
using FastRobust.DataRobustness;
using FastRobust.Nn;
using FastRobust.Util;

namespace FastRobust.Cli.Commands;

/// <summary>./run.sh features: Ilyas et al.'s constructed datasets, written as a folder that train --dataset npy:DIR reads.</summary>
public static class FeaturesCommand
{
    public static Command Create()
    {
        var kind = new Option<string>("--kind") { Description = "robust: D_R, representation matching on a robust model (--model), from a random other training image, labelled y; det: D_det, targeted L2 PGD on a standard model toward t = (y + 1) mod C, relabelled t; rand: D_rand, t uniform among the other classes", Required = true };
        kind.AcceptOnlyFromAmong("det", "rand", "robust");
        var model = new Option<string>("--model") { Description = "Folder of the model (model.json + model.safetensors): a standard one for det and rand, a robust one for robust", Required = true };
        var layer = new Option<int?>("--layer") { Description = "robust: the representation is the input of this layer (index in the spec); default the last linear layer (the penultimate representation)" };
        var dataset = new Option<string>("--dataset") { Description = "mnist or cifar10: the training set to transform, and the clean test set copied beside it", DefaultValueFactory = _ => "cifar10" };
        var limit = new Option<int?>("--limit") { Description = "Only the first N training images" };
        var testLimit = new Option<int?>("--test-limit") { Description = "Only the first N test images in DIR/test_*.npy" };
        var eps = new Option<float>("--eps") { Description = "det, rand: L2 radius ε in [0, 1] pixel units (the paper's CIFAR-10 value)", DefaultValueFactory = _ => NonRobustFeatures.DefaultEpsilon };
        var alpha = new Option<float?>("--alpha") { Description = "Step length of the L2-normalised steps (det, rand: 0.1; robust: 0.1, the paper's values)" };
        var steps = new Option<int?>("--steps") { Description = "Steps, all of them on every image (det, rand: 100; robust: 1000, the paper's values)" };
        var output = new Option<string>("--out") { Description = "Folder to write train_images.npy, train_labels.npy (the constructed set), source_labels.npy (the original labels), test_images.npy, test_labels.npy (the clean test set) and features.json", Required = true };
        var device = CommonOptions.Device();
        var seed = CommonOptions.Seed();
        var cmd = new Command("features",
            "Non-robust-feature datasets (Ilyas et al. 2019): training images moved by targeted L2 PGD on a standard model toward a class t and relabelled t; train on them with train --dataset npy:DIR (docs/data-robustness.md)")
        {
            kind, model, layer, dataset, limit, testLimit, eps, alpha, steps, output, device, seed,
        };
        cmd.SetAction(r =>
        {
            var stdout = r.InvocationConfiguration.Output;
            string k = r.GetValue(kind)!;
            string name = DataLocator.NormalizeName(r.GetValue(dataset)!);
            float e = r.GetValue(eps), a = r.GetValue(alpha) ?? (k == "robust" ? RobustFeatures.DefaultStepSize : NonRobustFeatures.DefaultStepSize);
            if (!(e > 0 && float.IsFinite(e))) throw new InputException($"--eps must be positive, got {e}");
            if (!(a > 0 && float.IsFinite(a))) throw new InputException($"--alpha must be positive, got {a}");
            int st = CommonOptions.Positive(r.GetValue(steps) ?? (k == "robust" ? RobustFeatures.DefaultSteps : NonRobustFeatures.DefaultSteps), "--steps");
            string dir = r.GetValue(output)!, modelDir = r.GetValue(model)!;
            OutputPath.CheckDirectory(dir, "--out");
            foreach (string f in new[] { "model.json", "model.safetensors" })
                if (!File.Exists(Path.Combine(modelDir, f))) throw new InputException($"--model {modelDir}: no {f} there (expected the folder ./run.sh train writes)");
            var dev = CommonOptions.OpenDevice(r.GetValue(device)!);
            using var m = Model.Load(Path.Combine(modelDir, "model.json"), Path.Combine(modelDir, "model.safetensors"), dev);
            var train = DataLocator.Load(name, "train");
            if (r.GetValue(limit) is int lim) train = train.Take(CommonOptions.Positive(lim, "--limit"));
            var test = DataLocator.Load(name, "test");
            if (r.GetValue(testLimit) is int tl) test = test.Take(CommonOptions.Positive(tl, "--test-limit"));
            if (!m.Spec.Input.SequenceEqual(new[] { train.C, train.H, train.W }) || m.Spec.Classes != train.Classes)
                throw new InputException($"--model {modelDir}: the model takes [{string.Join(", ", m.Spec.Input)}] with {m.Spec.Classes} classes, {name} has [{train.C}, {train.H}, {train.W}] with {train.Classes}");
            ulong s = r.GetValue(seed);
            var start = DateTime.UtcNow;
            int tenth = 0;
            Action<int, int> progress = (done, total) =>
            {
                if (10L * done / total > tenth) { tenth = (int)(10L * done / total); stdout.WriteLine($"  {done:N0}/{total:N0} images"); }
            };
            Dataset data;
            var extra = new Dictionary<string, object?>();
            if (k == "robust")
            {
                int li = r.GetValue(layer) ?? RobustFeatures.DefaultLayer(m);
                stdout.WriteLine($"building D_R from {train.N:N0} {name} training images: matching the input of layer {li} of {modelDir}, step {a}, {st} steps, device {dev.Name}");
                var (dr, before, after) = RobustFeatures.Build(m, train, li, st, a, s, progress: progress);
                data = dr;
                (extra["layer"], extra["loss_before"], extra["loss_after"]) = (li, before, after);
                stdout.WriteLine($"mean squared representation distance {before:G4} → {after:G4}");
            }
            else
            {
                if (r.GetValue(layer) is not null) throw new InputException("--layer goes with --kind robust");
                var choice = k == "det" ? TargetChoice.Deterministic : TargetChoice.Random;
                stdout.WriteLine($"building D_{k} from {train.N:N0} {name} training images: targeted L2 PGD on {modelDir}, ε {e}, step {a}, {st} steps, device {dev.Name}");
                var (dn, rate) = NonRobustFeatures.Build(m, train, choice, e, a, st, s, progress: progress);
                data = dn;
                (extra["eps"], extra["target_rate"]) = (e, rate);
                stdout.WriteLine($"the model classifies {rate:P2} of the images as their new label t");
            }
            double seconds = (DateTime.UtcNow - start).TotalSeconds;
            NpyFolder.Write(data, dir, "train");
            Npy.WriteLabels(Path.Combine(dir, "source_labels.npy"), train.Labels);
            NpyFolder.Write(test, dir, "test");
            var meta = new Dictionary<string, object?>
            {
                ["kind"] = k, ["model"] = Path.GetFullPath(modelDir), ["dataset"] = name, ["train_images"] = train.N, ["test_images"] = test.N,
                ["alpha"] = a, ["steps"] = st, ["seed"] = s, ["seconds"] = Math.Round(seconds, 1),
            };
            foreach (var (key, v) in extra) meta[key] = v;
            AtomicFile.WriteAllText(Path.Combine(dir, "features.json"), JsonSerializer.Serialize(meta, new JsonSerializerOptions { WriteIndented = true }) + "\n");
            stdout.WriteLine($"{seconds:F0}s; wrote {dir}/train_images.npy, train_labels.npy, source_labels.npy, test_images.npy, test_labels.npy, features.json");
            return 0;
        });
        return cmd;
    }
}
