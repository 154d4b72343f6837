using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using FastRobust.Data;
using FastRobust.Nn;
using FastRobust.Training;
using FastRobust.Util;

namespace FastRobust.Cli.Commands;

/// <summary>./run.sh train: trains a model on MNIST or CIFAR-10 and writes DIR/model.json + DIR/model.safetensors.</summary>
public static class TrainCommand
{
    public static Command Create()
    {
        var dataset = new Option<string>("--dataset") { Description = "mnist, cifar10 (found under data/ or FASTROBUST_DATA), folder:PATH[,size=S][,classes=N|A+B] (an ImageFolder tree, docs/datasets.md), or npy:DIR: DIR/train_images.npy + train_labels.npy and DIR/test_images.npy + test_labels.npy (images float32 [N, C, H, W] in [0, 1] or uint8 [N, H, W, C]; without the test files give --val-split)", DefaultValueFactory = _ => "mnist" };
        var model = new Option<string>("--model")
        {
            Description = "A spec .json file, or a family: custom-cnn[:depth=D,width=W,dropout=P,bn=true,convs=C,hidden=H] or vgg11|vgg13|vgg16[:width=M,bn=false,dropout=P] (docs/model-families.md)",
            DefaultValueFactory = _ => "custom-cnn",
        };
        var epochs = new Option<int>("--epochs") { Description = "Passes over the training set", DefaultValueFactory = _ => 1 };
        var batch = new Option<int>("--batch") { Description = "Mini-batch size", DefaultValueFactory = _ => 128 };
        var optimizer = new Option<string>("--optimizer") { Description = "sgd, adam, adamw or rmsprop", DefaultValueFactory = _ => "sgd" };
        optimizer.AcceptOnlyFromAmong("sgd", "adam", "adamw", "rmsprop");
        var lr = new Option<float>("--lr") { Description = "Learning rate (the peak for one-cycle)", DefaultValueFactory = _ => 0.01f };
        var momentum = new Option<float>("--momentum") { Description = "Momentum (sgd, rmsprop)", DefaultValueFactory = _ => 0.9f };
        var wd = new Option<float>("--weight-decay") { Description = "L2 weight decay (decoupled for adamw)", DefaultValueFactory = _ => 0f };
        var nesterov = new Option<bool>("--nesterov") { Description = "Nesterov momentum (sgd)" };
        var schedule = new Option<string>("--schedule") { Description = "Learning-rate schedule: constant, step (×0.1 every third of the run), cosine, one-cycle", DefaultValueFactory = _ => "constant" };
        schedule.AcceptOnlyFromAmong("constant", "step", "cosine", "one-cycle");
        var smoothing = new Option<float>("--label-smoothing") { Description = "Label smoothing of the cross-entropy (PyTorch's definition)", DefaultValueFactory = _ => 0f };
        var augment = new Option<string>("--augment") { Description = "auto (crop+flip for colour images: cifar10, a colour folder; none for mnist), none, or crop-flip (pad 4)", DefaultValueFactory = _ => "auto" };
        augment.AcceptOnlyFromAmong("auto", "none", "crop-flip");
        var valSplit = new Option<double>("--val-split") { Description = "Fraction of the training set held out for validation (reported instead of the test set)", DefaultValueFactory = _ => 0 };
        var limit = new Option<int?>("--limit") { Description = "Train on the first N training images only" };
        var testLimit = new Option<int?>("--test-limit") { Description = "Evaluate on the first N test images only" };
        var output = new Option<string>("--out") { Description = "Output directory for model.json, model.safetensors, init.safetensors and training.json", Required = true };
        var device = CommonOptions.Device();
        var seed = CommonOptions.Seed();
        var robustOptions = new RobustTrainingOptions();
        var cmd = new Command("train", "Train a classifier and save it as a spec plus safetensors weights (PyTorch nn.Sequential names)")
        {
            dataset, model, epochs, batch, optimizer, lr, momentum, wd, nesterov, schedule, smoothing, augment, valSplit, limit, testLimit, output, device, seed,
        };
        foreach (var option in robustOptions.All) cmd.Options.Add(option);
        cmd.SetAction(r =>
        {
            var stdout = r.InvocationConfiguration.Output;
            string datasetArg = r.GetValue(dataset)!;
            bool npy = NpyFolder.IsNpy(datasetArg);
            string name = npy ? datasetArg : DataLocator.NormalizeName(datasetArg);
            var dev = CommonOptions.OpenDevice(r.GetValue(device)!);
            ulong s = r.GetValue(seed);
            int ep = CommonOptions.Positive(r.GetValue(epochs), "--epochs"), b = CommonOptions.Positive(r.GetValue(batch), "--batch");
            if (r.GetValue(lr) is var l && !(l > 0)) throw new InputException($"--lr must be positive, got {l}");
            // as PyTorch's optimizers refuse them
            if (r.GetValue(momentum) is var mo && !(mo >= 0 && float.IsFinite(mo))) throw new InputException($"--momentum must not be negative, got {mo}");
            if (r.GetValue(wd) is var w && !(w >= 0 && float.IsFinite(w))) throw new InputException($"--weight-decay must not be negative, got {w}");
            if (r.GetValue(smoothing) is var ls && !(ls >= 0 && ls < 1)) throw new InputException($"--label-smoothing must be in [0, 1), got {ls}");
            OutputPath.CheckDirectory(r.GetValue(output)!, "--out");
            var robust = robustOptions.Read(r);
            int robustEval = robustOptions.EvalLimit(r);
            double val = r.GetValue(valSplit);
            if (val < 0 || val >= 1) throw new InputException($"--val-split must be in [0, 1), got {val}");

            Dataset train;
            Dataset? npyTest = null;
            if (npy) (train, npyTest) = NpyFolder.Load(NpyFolder.Folder(datasetArg));
            else train = DataLocator.Load(name, "train");
            if (r.GetValue(limit) is int lim) train = train.Take(CommonOptions.Positive(lim, "--limit"));
            Dataset? test;
            string evalName;
            if (npy && val == 0 && npyTest is null)
                throw new InputException($"--dataset {datasetArg}: no test_images.npy and test_labels.npy there; add them or hold out a validation set with --val-split");
            if (val > 0)
            {
                (train, test) = DataSplit.Split(train, DataSplit.CountFor(train.N, val), s);
                evalName = "validation";
            }
            else
            {
                test = npyTest ?? DataLocator.Load(name, "test");
                evalName = "test";
            }
            if (r.GetValue(testLimit) is int tl) test = test.Take(CommonOptions.Positive(tl, "--test-limit"));

            string modelArg = r.GetValue(model)!;
            // npy:DIR has no published statistics: For computes them from its training images
            var (mean, std) = DatasetStats.For(name, train);
            var spec = ModelFamilies.IsFamily(modelArg)
                ? ModelFamilies.Build(modelArg, [train.C, train.H, train.W], train.Classes, mean, std)
                : ModelSpec.Load(modelArg);
            if (!spec.Input.SequenceEqual(new[] { train.C, train.H, train.W }) || spec.Classes != train.Classes)
                throw new InputException($"{modelArg}: the model takes [{string.Join(", ", spec.Input)}] with {spec.Classes} classes, " +
                                         $"{name} has [{train.C}, {train.H}, {train.W}] with {train.Classes} classes");
            string aug = r.GetValue(augment)!;
            var options = new TrainOptions
            {
                Epochs = ep, Batch = b, Optimizer = r.GetValue(optimizer)!, Lr = l, Momentum = r.GetValue(momentum),
                WeightDecay = r.GetValue(wd), Nesterov = r.GetValue(nesterov), Schedule = r.GetValue(schedule)!,
                LabelSmoothing = r.GetValue(smoothing), Seed = s, Robust = robust, RobustEvalLimit = robustEval,
                Augment = aug == "crop-flip" || (aug == "auto" && DatasetStats.AutoAugments(train)) ? Augmentation.Standard : null,
            };
            string dir = r.GetValue(output)!;
            using var m = Model.Create(spec, dev, s);
            stdout.WriteLine($"training {modelArg} ({m.ParameterCount:N0} parameters) on {train} with {options.Optimizer} lr {options.Lr} " +
                              $"({options.Schedule}), batch {b}, {ep} epoch(s), device {dev.Name}, seed {s}; evaluating on {evalName} ({test.N} images)");
            if (robust.Active) stdout.WriteLine(RobustTrainingOptions.Describe(robust));
            Directory.CreateDirectory(dir);
            m.SaveWeights(Path.Combine(dir, "init.safetensors"));
            var start = DateTime.UtcNow;
            var history = BarTrainProgress.Run(ep, stdout, p => Trainer.Run(m, train, test, options, p));
            double seconds = (DateTime.UtcNow - start).TotalSeconds;
            var last = history[^1];
            var meta = new Dictionary<string, string>
            {
                ["dataset"] = name, ["seed"] = s.ToString(CultureInfo.InvariantCulture), ["epochs"] = ep.ToString(CultureInfo.InvariantCulture),
                ["train_accuracy"] = last.TrainAccuracy.ToString("R", CultureInfo.InvariantCulture),
                [$"{evalName}_accuracy"] = (last.TestAccuracy ?? double.NaN).ToString("R", CultureInfo.InvariantCulture),
            };
            if (robust.Active) meta["adversarial"] = RobustOptions.MethodName(robust.Method);
            if (last.TestRobustAccuracy is double ra) meta[$"{evalName}_robust_accuracy"] = ra.ToString("R", CultureInfo.InvariantCulture);
            m.Save(dir, meta);
            AtomicFile.WriteAllText(Path.Combine(dir, "training.json"), JsonSerializer.Serialize(new
            {
                model = modelArg, dataset = name, train_images = train.N, eval_set = evalName, eval_images = test.N,
                options, device = dev.Name, parameters = m.ParameterCount, seconds, history,
            }, new JsonSerializerOptions { WriteIndented = true, PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower }) + "\n");
            stdout.WriteLine($"{evalName} accuracy {last.TestAccuracy:P2} after {ep} epoch(s), {seconds:F0}s; wrote {dir}/model.json, model.safetensors, init.safetensors, training.json");
            return 0;
        });
        return cmd;
    }
}
