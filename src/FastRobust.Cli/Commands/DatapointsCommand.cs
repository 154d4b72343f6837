using System.CommandLine;
using FastRobust.Data;
using FastRobust.DataRobustness;
using FastRobust.Nn;
using FastRobust.Training;
using FastRobust.Util;

namespace FastRobust.Cli.Commands;

/// <summary>./run.sh datapoints: seed 003's pipeline (docs/data-robustness.md), resumable stage by stage.</summary>
public static class DatapointsCommand
{
    public static Command Create()
    {
        var dataset = new Option<string>("--dataset") { Description = "mnist or cifar10 (found under data/ or FASTROBUST_DATA)", DefaultValueFactory = _ => "mnist" };
        var model = new Option<string?>("--model")
        {
            Description = "M's architecture, trained from scratch: a spec .json or a family such as custom-cnn:depth=2,width=32 (docs/model-families.md); default custom-cnn. M_R has the same architecture",
        };
        var from = new Option<string?>("--from") { Description = "Use the trained model in DIR (model.json + model.safetensors, e.g. from ./run.sh train) as M instead of training one; M_R takes its architecture" };
        var epochs = new Option<int>("--epochs") { Description = "Epochs of M's training", DefaultValueFactory = _ => 1 };
        var retrainEpochs = new Option<int?>("--retrain-epochs") { Description = "Epochs of M_R's training on the robust subset (default: --epochs)" };
        var batch = new Option<int>("--batch") { Description = "Training mini-batch size", DefaultValueFactory = _ => 128 };
        var optimizer = new Option<string>("--optimizer") { Description = "sgd, adam, adamw or rmsprop", DefaultValueFactory = _ => "sgd" };
        optimizer.AcceptOnlyFromAmong("sgd", "adam", "adamw", "rmsprop");
        var lr = new Option<float>("--lr") { Description = "Learning rate (the peak for one-cycle)", DefaultValueFactory = _ => 0.01f };
        var momentum = new Option<float>("--momentum") { Description = "Momentum (sgd, rmsprop)", DefaultValueFactory = _ => 0.9f };
        var wd = new Option<float>("--weight-decay") { Description = "L2 weight decay (decoupled for adamw)", DefaultValueFactory = _ => 0f };
        var schedule = new Option<string>("--schedule") { Description = "Learning-rate schedule: constant, step, cosine, one-cycle", DefaultValueFactory = _ => "constant" };
        schedule.AcceptOnlyFromAmong("constant", "step", "cosine", "one-cycle");
        var k = new Option<int>("--k") { Description = "Pixels drawn per perturbation step, with replacement (at most k distinct), each given uniform random values", DefaultValueFactory = _ => 28 };
        var maxSteps = new Option<int>("--max-steps") { Description = "MAX_STEPS: a correctly classified image that no step of this many flips is robust", DefaultValueFactory = _ => 250 };
        var perClass = new Option<int>("--per-class")
        {
            Description = "Robust training images drawn per class (uniformly, without replacement) to retrain on; a class with fewer gives all it has, which is reported and recorded in summary.json",
            DefaultValueFactory = _ => 1500,
        };
        var limit = new Option<int?>("--limit") { Description = "Only the first N training images (training of M and the scheme on the training set)" };
        var testLimit = new Option<int?>("--test-limit") { Description = "Only the first N test images" };
        var schemeBatch = new Option<int>("--scheme-batch") { Description = "Images per forward pass of the random scheme (speed only; results do not depend on it)", DefaultValueFactory = _ => RandomScheme.DefaultBatch };
        var output = new Option<string>("--out") { Description = "The run's folder: a new or empty one, or an interrupted run's to resume it", Required = true };
        var device = CommonOptions.Device();
        var seed = CommonOptions.Seed();
        var cmd = new Command("datapoints",
            "Robustness as a property of datapoints (Ilie et al. 2020): train M, find the training and test images the random L0 scheme never flips, " +
            "retrain M_R on a class-balanced subset of the robust training images, compare. Writes DIR/train_samples.parquet, test_samples.parquet, " +
            "retrained_test_samples.parquet, robust_subset.parquet, original/, retrained/, summary.json and three PNG figures. " +
            "Rerun the same command to resume an interrupted run: finished stages are kept.")
        {
            dataset, model, from, epochs, retrainEpochs, batch, optimizer, lr, momentum, wd, schedule, k, maxSteps, perClass, limit, testLimit, schemeBatch,
            output, device, seed,
        };
        cmd.SetAction(r =>
        {
            var stdout = r.InvocationConfiguration.Output;
            string name = DataLocator.NormalizeName(r.GetValue(dataset)!);
            int ep = CommonOptions.Positive(r.GetValue(epochs), "--epochs"), b = CommonOptions.Positive(r.GetValue(batch), "--batch");
            int rep = r.GetValue(retrainEpochs) is int re ? CommonOptions.Positive(re, "--retrain-epochs") : ep;
            int kk = CommonOptions.Positive(r.GetValue(k), "--k"), steps = CommonOptions.Positive(r.GetValue(maxSteps), "--max-steps");
            int pc = CommonOptions.Positive(r.GetValue(perClass), "--per-class"), sb = CommonOptions.Positive(r.GetValue(schemeBatch), "--scheme-batch");
            if (r.GetValue(lr) is var l && !(l > 0)) throw new InputException($"--lr must be positive, got {l}");
            if (r.GetValue(momentum) is var mo && !(mo >= 0 && float.IsFinite(mo))) throw new InputException($"--momentum must not be negative, got {mo}");
            if (r.GetValue(wd) is var w && !(w >= 0 && float.IsFinite(w))) throw new InputException($"--weight-decay must not be negative, got {w}");
            string dir = r.GetValue(output)!;
            OutputPath.CheckDirectory(dir, "--out");
            string? fromDir = r.GetValue(from), modelArg = r.GetValue(model);
            if (fromDir != null && modelArg != null) throw new InputException("give --model (train M) or --from (a trained M), not both");
            if (fromDir != null)
                foreach (string f in new[] { "model.json", "model.safetensors" })
                    if (!File.Exists(Path.Combine(fromDir, f))) throw new InputException($"--from {fromDir}: no {f} there (expected the folder ./run.sh train writes)");

            var train = DataLocator.Load(name, "train");
            if (r.GetValue(limit) is int lim) train = train.Take(CommonOptions.Positive(lim, "--limit"));
            var test = DataLocator.Load(name, "test");
            if (r.GetValue(testLimit) is int tl) test = test.Take(CommonOptions.Positive(tl, "--test-limit"));
            if (kk > train.H * train.W) throw new InputException($"--k {kk} exceeds the {train.H * train.W} pixels of a {name} image");

            ModelSpec spec;
            if (fromDir != null) spec = ModelSpec.Load(Path.Combine(fromDir, "model.json"));
            else
            {
                modelArg ??= "custom-cnn";
                var (mean, std) = DatasetStats.For(name, train);
                spec = ModelFamilies.IsFamily(modelArg) ? ModelFamilies.Build(modelArg, [train.C, train.H, train.W], train.Classes, mean, std) : ModelSpec.Load(modelArg);
            }
            if (!spec.Input.SequenceEqual(new[] { train.C, train.H, train.W }) || spec.Classes != train.Classes)
                throw new InputException($"{fromDir ?? modelArg}: the model takes [{string.Join(", ", spec.Input)}] with {spec.Classes} classes, " +
                                         $"{name} has [{train.C}, {train.H}, {train.W}] with {train.Classes} classes");
            ulong s = r.GetValue(seed);
            var settings = new DatapointsSettings
            {
                Dataset = name, Model = fromDir != null ? $"from {Path.GetFullPath(fromDir)}" : modelArg!, Spec = spec, From = fromDir,
                K = kk, MaxSteps = steps, PerClass = pc, Seed = s, TrainImages = train.N, TestImages = test.N, RetrainEpochs = rep,
                Train = new TrainOptions
                {
                    Epochs = ep, Batch = b, Optimizer = r.GetValue(optimizer)!, Lr = l, Momentum = mo, WeightDecay = w,
                    Schedule = r.GetValue(schedule)!, Seed = s, Augment = DatasetStats.AutoAugments(train) ? Augmentation.Standard : null,
                },
            };
            var dev = CommonOptions.OpenDevice(r.GetValue(device)!);
            stdout.WriteLine($"datapoints on {name} ({train.N:N0} train, {test.N:N0} test images), device {dev.Name}, seed {s}, k {kk}, MAX_STEPS {steps}, {pc} per class");
            var pipeline = new DatapointsPipeline(settings, train, test, dev, new DatapointsProgressDisplay(stdout)) { SchemeBatch = sb };
            var summary = pipeline.Run(dir);
            var o = summary["original"]!;
            var rt = summary["retrained"]!;
            stdout.WriteLine($"M:   test accuracy {(double)o["test_accuracy"]!:P2}, robust {(double)o["test_robust_fraction"]!:P2} of test images");
            stdout.WriteLine($"M_R: test accuracy {(double)rt["test_accuracy"]!:P2}, robust {(double)rt["test_robust_fraction"]!:P2} of test images (trained on {(int)rt["train_images"]!:N0} robust images)");
            return 0;
        });
        return cmd;
    }
}
