using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using FastRobust.Attacks;
using FastRobust.Data;
using FastRobust.Nn;
using FastRobust.Random;
using FastRobust.Tensors;
using FastRobust.Training;
using FastRobust.Util;

namespace FastRobust.Cli.Commands;

/// <summary>./run.sh attack: runs one attack on a model and writes the adversarial images, per-sample outcomes and a picture.</summary>
public static class AttackCommand
{
    /// <summary>The Philox stream the attack verb hands to every attack (sub-streams are derived from it per purpose).</summary>
    public const ulong Stream = 0x4154_544B; // "ATTK"

    public static Command Create()
    {
        var d = new AttackOptions();
        var model = ModelOptions.Spec();
        var weights = ModelOptions.Weights();
        var input = new Option<string?>("--input") { Description = "Images .npy: float32 [N, C, H, W] in [0, 1] or uint8 [N, H, W, C] (with --labels; or use --dataset)" };
        var labels = new Option<string?>("--labels") { Description = "Labels .npy (int64 or int32 [N])" };
        var dataset = new Option<string?>("--dataset") { Description = "Attack a dataset split instead of --input/--labels: mnist, cifar10 or folder:PATH (an image folder, docs/datasets.md)" };
        var split = new Option<string>("--split") { Description = "Split of --dataset", DefaultValueFactory = _ => "test" };
        split.AcceptOnlyFromAmong("train", "test");
        var limit = new Option<int?>("--limit") { Description = "Only the first N images of --dataset" };
        var attack = new Option<string>("--attack") { Description = "fgsm, bim, pgd, pgd-l2, deepfool, cw, apgd-ce, square, random-l0, gaussian, apgd-ce-l2, apgd-dlr(-l2), apgd-t(-l2), fab-t(-l2), fab(-l2), or autoattack (aa) and autoattack-l2 (aa-l2), AutoAttack's ensemble (docs/attacks.md)", Required = true };
        attack.AcceptOnlyFromAmong([.. AttackRegistry.Accepted]);
        var eps = new Option<float?>("--eps") { Description = "ε: L∞ or L2 radius in [0, 1] pixel units; random-l0: pixels per step (default 28); gaussian: σ; deepfool/cw: optional bound (unbounded without)" };
        var alpha = new Option<float?>("--alpha") { Description = "Step size (bim: 1/255; pgd, pgd-l2: 2.5·ε/steps)" };
        var steps = new Option<int?>("--steps") { Description = "Iterations (bim: Kurakin's rule; pgd: 10; deepfool: 50; cw: 1000 per search step; apgd-ce: 100; square: 5000 queries; random-l0: MAX_STEPS 250)" };
        var noRandomStart = new Option<bool>("--no-random-start") { Description = "pgd, pgd-l2: start from the clean image" };
        var restarts = new Option<int>("--restarts") { Description = "Random restarts (gaussian: noise draws); each attacks only the samples not fooled yet", DefaultValueFactory = _ => 1 };
        var target = new Option<string>("--target") { Description = "none (untargeted), random, least-likely, a class number, or a .npy of one target per image", DefaultValueFactory = _ => "none" };
        var output = new Option<string>("--out") { Description = "Where to write the adversarial images, float32 [N, C, H, W] .npy", Required = true };
        var samples = new Option<string?>("--samples") { Description = "Write the per-sample outcomes to this .parquet table (columns in docs/attacks.md)" };
        var png = new Option<string?>("--png") { Description = "Write DIR/attack.png: originals, amplified perturbations and adversarial images, captioned with the true and predicted classes (class names with --dataset), and a legend" };
        var pngLimit = new Option<int>("--png-limit") { Description = "At most this many images in the PNG", DefaultValueFactory = _ => 16 };
        var json = new Option<bool>("--json") { Description = "Also print the run summary as one JSON object" };
        var batch = new Option<int>("--batch") { Description = "Samples attacked together on the device", DefaultValueFactory = _ => d.Batch };
        var noEarlyStop = new Option<bool>("--no-early-stop") { Description = "Iterative gradient attacks run every step and return the last iterate (torchattacks' behaviour)" };
        var allSamples = new Option<bool>("--all-samples") { Description = "fgsm, bim, pgd, pgd-l2, gaussian: perturb every sample, clean-misclassified ones too, through every step (torchattacks' behaviour; implies --no-early-stop)" };
        var overshoot = new Option<float>("--overshoot") { Description = "deepfool: overshoot η", DefaultValueFactory = _ => d.Overshoot };
        var candidates = new Option<int>("--candidates") { Description = "deepfool: most likely classes considered", DefaultValueFactory = _ => d.Candidates };
        var binarySteps = new Option<int>("--binary-steps") { Description = "cw: binary-search steps over c", DefaultValueFactory = _ => d.BinarySearchSteps };
        var initialConst = new Option<float>("--initial-const") { Description = "cw: initial c", DefaultValueFactory = _ => d.InitialConst };
        var lr = new Option<float>("--lr") { Description = "cw: Adam learning rate", DefaultValueFactory = _ => d.LearningRate };
        var confidence = new Option<float>("--confidence") { Description = "cw: confidence κ", DefaultValueFactory = _ => d.Confidence };
        var noAbortEarly = new Option<bool>("--no-abort-early") { Description = "cw: run every Adam step of every search step" };
        var rho = new Option<float>("--rho") { Description = "apgd-ce: ρ of the step-size checkpoints", DefaultValueFactory = _ => d.Rho };
        var pInit = new Option<float>("--p-init") { Description = "square: initial fraction of pixels per square", DefaultValueFactory = _ => d.PInit };
        var version = new Option<string>("--version") { Description = "autoattack: standard (APGD-CE, APGD-T, FAB-T, Square; RobustBench's), plus or rand, as AutoAttack defines them", DefaultValueFactory = _ => d.Version };
        var targetClasses = new Option<int>("--target-classes") { Description = "apgd-t, fab-t, autoattack: target classes tried (the most likely after the prediction)", DefaultValueFactory = _ => d.TargetClasses };
        var device = CommonOptions.Device();
        var seed = CommonOptions.Seed();
        var cmd = new Command("attack", "Attack a model: adversarial images, per-sample outcomes and the run summary (robust accuracy, success rate, norms)")
        {
            model, weights, input, labels, dataset, split, limit, attack, eps, alpha, steps, noRandomStart, restarts, target, output, samples,
            png, pngLimit, json, batch, noEarlyStop, allSamples, overshoot, candidates, binarySteps, initialConst, lr, confidence, noAbortEarly, rho, pInit,
            version, targetClasses, device, seed,
        };
        cmd.SetAction(r =>
        {
            var stdout = r.InvocationConfiguration.Output;
            // everything that can be checked without data, first
            var atk = AttackRegistry.Create(r.GetValue(attack)!);
            string outPath = r.GetValue(output)!;
            if (!outPath.EndsWith(".npy", StringComparison.OrdinalIgnoreCase)) throw new InputException($"--out {outPath}: expected a .npy file");
            string? samplesPath = r.GetValue(samples);
            if (samplesPath != null && !samplesPath.EndsWith(".parquet", StringComparison.OrdinalIgnoreCase))
                throw new InputException($"--samples {samplesPath}: expected a .parquet file");
            string? inPath = r.GetValue(input), labelPath = r.GetValue(labels), dataName = r.GetValue(dataset);
            if (dataName != null && (inPath != null || labelPath != null))
                throw new InputException("give either --dataset or --input with --labels, not both");
            if (dataName == null && (inPath == null || labelPath == null))
                throw new InputException("give --input and --labels, or --dataset (with --split and --limit)");
            if (r.GetValue(limit) is not null && dataName == null) throw new InputException("--limit goes with --dataset");
            var (mode, given, targetFile) = ParseTarget(r.GetValue(target)!);
            var options = new AttackOptions
            {
                Epsilon = r.GetValue(eps), StepSize = r.GetValue(alpha), Steps = r.GetValue(steps), RandomStart = !r.GetValue(noRandomStart),
                Restarts = r.GetValue(restarts), Target = mode, TargetLabels = given, EarlyStop = !r.GetValue(noEarlyStop),
                AllSamples = r.GetValue(allSamples),
                Batch = r.GetValue(batch), Overshoot = r.GetValue(overshoot), Candidates = r.GetValue(candidates),
                BinarySearchSteps = r.GetValue(binarySteps), InitialConst = r.GetValue(initialConst), LearningRate = r.GetValue(lr),
                Confidence = r.GetValue(confidence), AbortEarly = !r.GetValue(noAbortEarly), Rho = r.GetValue(rho), PInit = r.GetValue(pInit),
                Version = r.GetValue(version)!.ToLowerInvariant(), TargetClasses = r.GetValue(targetClasses),
            };
            if (atk is not AutoAttack && r.GetResult(version) is { Implicit: false })
                throw new InputException($"--version is an autoattack setting; {atk.Name} does not take it");
            if (targetFile != null) options = options with { TargetLabels = [0] }; // placeholder until the file is read
            atk.Resolve(options);
            int pngCount = r.GetValue(pngLimit);
            if (r.GetValue(png) != null && pngCount < 1) throw new InputException($"--png-limit must be positive, got {pngCount}");
            // every output, before any work: a later one that cannot be written must not leave the earlier ones behind
            OutputPath.CheckFile(outPath, "--out");
            if (samplesPath != null) OutputPath.CheckFile(samplesPath, "--samples");
            if (r.GetValue(png) is { } pngDir) OutputPath.CheckDirectory(pngDir, "--png");

            var dev = CommonOptions.OpenDevice(r.GetValue(device)!);
            using var m = Model.Load(r.GetValue(model)!, r.GetValue(weights)!, dev);
            float[] images;
            int[] shape, y;
            string source;
            if (dataName != null)
            {
                string name = DataLocator.NormalizeName(dataName);
                var data = DataLocator.Load(name, r.GetValue(split)!);
                if (r.GetValue(limit) is int lim) data = data.Take(CommonOptions.Positive(lim, "--limit"));
                (images, shape, y) = (data.Images, [data.N, data.C, data.H, data.W], data.Labels);
                source = $"{name} {r.GetValue(split)}";
            }
            else
            {
                (images, shape) = NpyDataset.ReadImages(inPath!);
                y = Npy.ReadLabels(labelPath!);
                if (y.Length != shape[0]) throw new InputException($"{labelPath}: {y.Length} labels for {shape[0]} images in {inPath}");
                source = inPath!;
            }
            BatchedInference.CheckShape(m, shape, source);
            BatchedInference.CheckLabels(m, y, labelPath ?? source);
            if (targetFile != null)
            {
                var t = Npy.ReadLabels(targetFile);
                if (t.Length != y.Length) throw new InputException($"{targetFile}: {t.Length} targets for {y.Length} images");
                for (int i = 0; i < t.Length; i++)
                    if ((uint)t[i] >= (uint)m.Spec.Classes)
                        throw new InputException($"{targetFile}: target {t[i]} at index {i} is outside the model's {m.Spec.Classes} classes");
                options = options with { TargetLabels = t };
            }
            else if (given != null && given[0] >= m.Spec.Classes)
                throw new InputException($"--target {given[0]} is outside the model's {m.Spec.Classes} classes");

            stdout.WriteLine($"attacking {r.GetValue(model)} with {atk.Name} on {source} ({shape[0]} images), device {dev.Name}, seed {r.GetValue(seed)}");
            using var x = Tensor.FromArray(images, shape, dev);
            using var yt = IntTensor.FromArray(y, dev);
            var error = r.InvocationConfiguration.Error;
            if (atk is AutoAttack ensemble) ensemble.Progress = line => error.WriteLine(line);
            var start = DateTime.UtcNow;
            using var result = atk.Run(m, x, yt, options, new PhiloxStream(r.GetValue(seed), Stream));
            double seconds = (DateTime.UtcNow - start).TotalSeconds;
            var adv = result.AdversarialToArray();
            var summary = result.Summarize();
            Npy.WriteFloat32(outPath, adv, shape);
            stdout.Write(summary.Format());
            if (atk is AutoAttack aa)
                foreach (var stage in aa.Log)
                    stdout.WriteLine($"  robust after {stage.Member,-14} {100.0 * stage.Robust / Math.Max(1, aa.Samples):F2} % ({stage.Seconds:F1} s)");
            stdout.WriteLine($"  time              {seconds:F1} s");
            stdout.WriteLine($"wrote {outPath}");
            if (samplesPath != null)
            {
                AttackSummary.SampleTable(result).Write(samplesPath);
                stdout.WriteLine($"wrote {samplesPath} ({result.Count} rows)");
            }
            if (r.GetValue(png) is { } dir)
            {
                Directory.CreateDirectory(dir);
                string file = Path.Combine(dir, "attack.png");
                int shown = Math.Min(shape[0], pngCount);
                var cleanLogits = BatchedInference.Logits(m, images, shown, options.Batch);
                var advLogits = BatchedInference.Logits(m, adv, shown, options.Batch);
                var names = ClassNames.For(dataName is null ? null : DataLocator.NormalizeName(dataName), m.Spec.Classes, r.GetValue(split)!);
                AttackGrid.Build(images, adv, shape, result, shown, cleanLogits, advLogits, names).SavePng(file);
                stdout.WriteLine($"wrote {file}");
            }
            if (r.GetValue(json)) stdout.WriteLine(SummaryJson(summary, seconds, atk as AutoAttack));
            if (OpProfiler.Enabled) r.InvocationConfiguration.Error.WriteLine(OpProfiler.Report());
            return 0;
        });
        return cmd;
    }

    /// <summary>--target: none, random, least-likely, a class number, or a .npy file of targets.</summary>
    private static (TargetMode Mode, int[]? Given, string? File) ParseTarget(string value)
    {
        switch (value.ToLowerInvariant())
        {
            case "none": case "untargeted": return (TargetMode.None, null, null);
            case "random": return (TargetMode.Random, null, null);
            case "least-likely": case "ll": return (TargetMode.LeastLikely, null, null);
        }
        if (int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out int cls)) return (TargetMode.Given, [cls], null);
        if (value.EndsWith(".npy", StringComparison.OrdinalIgnoreCase))
        {
            if (!File.Exists(value)) throw new InputException($"--target {value}: file not found");
            return (TargetMode.Given, null, value);
        }
        throw new InputException($"--target '{value}': expected none, random, least-likely, a class number or a .npy file of targets");
    }

    /// <summary>The run summary; for autoattack also RobustBench's fields (accuracies in percent) and the robust accuracy after each member.</summary>
    private static string SummaryJson(AttackSummary s, double seconds, AutoAttack? aa)
    {
        static double? N(double v) => double.IsFinite(v) ? v : null;
        var json = new Dictionary<string, object?>
        {
            ["attack"] = s.Attack, ["epsilon"] = s.Epsilon, ["target"] = s.Target, ["samples"] = s.Samples,
            ["clean_accuracy"] = N(s.CleanAccuracy), ["robust_accuracy"] = N(s.RobustAccuracy), ["attacked"] = s.Attacked,
            ["successes"] = s.Successes, ["success_rate"] = N(s.SuccessRate), ["median_l2"] = N(s.L2.Median), ["median_linf"] = N(s.Linf.Median),
            ["mean_queries_attacked"] = N(s.QueriesAttacked.Mean), ["seconds"] = Math.Round(seconds, 3),
            ["options"] = JsonDocument.Parse(s.Options).RootElement,
        };
        if (aa != null)
        {
            json["clean_acc"] = Math.Round(100 * s.CleanAccuracy, 2);
            json["autoattack_acc"] = Math.Round(100 * s.RobustAccuracy, 2);
            json["eps"] = s.Epsilon;
            json["norm"] = aa.L2 ? "L2" : "Linf";
            json["n"] = s.Samples;
            json["robust_acc_after"] = aa.Log.ToDictionary(st => st.Member, st => Math.Round(100.0 * st.Robust / Math.Max(1, aa.Samples), 2));
        }
        return JsonSerializer.Serialize(json);
    }
}
