using System.CommandLine;
using FastRobust.Data;
using FastRobust.Measures;
using FastRobust.Nn;
using FastRobust.Util;

namespace FastRobust.Cli.Commands;

/// <summary>./run.sh measure: performance, norm-based and sharpness measures of a model (docs/measures.md).</summary>
public static class MeasureCommand
{
    public static Command Create()
    {
        var d = new MeasureOptions();
        var model = ModelOptions.Spec();
        var weights = ModelOptions.Weights();
        var init = new Option<string?>("--init") { Description = "Initial weights (.safetensors) for distance-from-initialisation measures; default: init.safetensors beside --weights when it exists" };
        var dataset = new Option<string>("--dataset") { Description = "mnist, cifar10 or folder:PATH (an image folder, docs/datasets.md)", Required = true };
        var split = new Option<string>("--split") { Description = "train (Jiang et al. measure on the training set) or test", DefaultValueFactory = _ => "train" };
        split.AcceptOnlyFromAmong("train", "test");
        var limit = new Option<int?>("--limit") { Description = "Measure on the first N images of the split only (m of the bounds is then N)" };
        var measures = new Option<string>("--measures") { Description = "all, or a comma list of perf, norms, sharpness", DefaultValueFactory = _ => "all" };
        var output = new Option<string?>("--out") { Description = "Write one row per measure (measure, value, group, reference, options) to this .parquet file" };
        var batch = new Option<int>("--batch") { Description = "Images per forward pass for logits", DefaultValueFactory = _ => d.Batch };
        var searches = new Option<string>("--sharpness") { Description = "Which sharpness searches: all, or a comma list of pacbayes, pacbayes-mag, worst-case, worst-case-mag", DefaultValueFactory = _ => "all" };
        var images = new Option<int>("--sharpness-images") { Description = "Random subset of the set the sharpness searches evaluate", DefaultValueFactory = _ => d.SharpnessImages };
        var target = new Option<double>("--target") { Description = "Target accuracy deviation of the sharpness searches", DefaultValueFactory = _ => d.TargetDeviation };
        var tolerance = new Option<double>("--tolerance") { Description = "A step within this of the target ends a search", DefaultValueFactory = _ => d.DeviationTolerance };
        var samples = new Option<int>("--samples") { Description = "Monte-Carlo weight samples per σ step (one batched ensemble evaluation)", DefaultValueFactory = _ => d.MonteCarloSamples };
        var sigmaDepth = new Option<int>("--sigma-depth") { Description = "Bisection steps of the σ searches", DefaultValueFactory = _ => d.SigmaSearchDepth };
        var sigmaLower = new Option<double>("--sigma-lower") { Description = "Lower end of the σ bracket", DefaultValueFactory = _ => d.SigmaLower };
        var sigmaUpper = new Option<double>("--sigma-upper") { Description = "Upper end of the σ bracket", DefaultValueFactory = _ => d.SigmaUpper };
        var convention = new Option<string>("--sigma-convention") { Description = "paper (noise std σ, as Jiang et al. write) or port (std σ², as their public port draws it)", DefaultValueFactory = _ => "paper" };
        convention.AcceptOnlyFromAmong("paper", "port");
        var evaluation = new Option<string>("--evaluation") { Description = "adaptive (stop a σ step once its outcome is statistically decided) or full (exact outcome of the whole subset)", DefaultValueFactory = _ => "adaptive" };
        evaluation.AcceptOnlyFromAmong("adaptive", "full");
        var z = new Option<double>("--confidence-z") { Description = "z of the adaptive rule's confidence band", DefaultValueFactory = _ => d.AdaptiveZ };
        var eps = new Option<double>("--magnitude-eps") { Description = "ε of the magnitude-aware noise and bounds", DefaultValueFactory = _ => d.MagnitudeEpsilon };
        var alphaUpper = new Option<double>("--alpha-upper") { Description = "Upper end of the α′ bracket of the worst-case searches", DefaultValueFactory = _ => d.AlphaUpper };
        var alphaDepth = new Option<int>("--alpha-depth") { Description = "Bisection steps of the worst-case searches", DefaultValueFactory = _ => d.AlphaSearchDepth };
        var restarts = new Option<int>("--restarts") { Description = "Random starts in the box per worst-case step (ensemble members)", DefaultValueFactory = _ => d.WorstCaseRestarts };
        var ascent = new Option<string>("--ascent") { Description = "sign (projected signed-gradient steps of a fraction of the box) or sgd (the PGDL baseline's SGD step)", DefaultValueFactory = _ => "sign" };
        ascent.AcceptOnlyFromAmong("sign", "sgd");
        var ascentSteps = new Option<int>("--ascent-steps") { Description = "Gradient-ascent steps per restart", DefaultValueFactory = _ => d.AscentSteps };
        var worstImages = new Option<int>("--worst-case-images") { Description = "Images the worst-case accuracy is measured on", DefaultValueFactory = _ => d.WorstCaseImages };
        var searchChunk = new Option<int>("--search-chunk") { Description = "Images per decision of the adaptive σ-step rule (and per accuracy pass of the worst-case search)", DefaultValueFactory = _ => d.SearchChunk };
        var searchBatch = new Option<int>("--search-batch") { Description = "Images per forward pass of the σ searches (all samples at once; per sample with --sequential); at most --search-chunk is used", DefaultValueFactory = _ => d.SearchBatch };
        var sequential = new Option<bool>("--sequential") { Description = "Evaluate the σ-search samples one model after another instead of as one ensemble (same results; for speed comparisons)" };
        var device = CommonOptions.Device();
        var seed = CommonOptions.Seed();
        var cmd = new Command("measure", "Measure a model: performance and uncertainty, norm-based measures and sharpness (Jiang et al. 2020)")
        {
            model, weights, init, dataset, split, limit, measures, output, batch, searches, images, target, tolerance, samples, sigmaDepth,
            sigmaLower, sigmaUpper, convention, evaluation, z, eps, alphaUpper, alphaDepth, restarts, ascent, ascentSteps, worstImages, searchChunk, searchBatch, sequential, device, seed,
        };
        cmd.SetAction(r =>
        {
            var stdout = r.InvocationConfiguration.Output;
            if (r.GetValue(output) is { } o) Util.OutputPath.CheckFile(o, "--out");
            var groups = Parse(r.GetValue(measures)!, "--measures", ["perf", "norms", "sharpness"]);
            var which = Parse(r.GetValue(searches)!, "--sharpness", ["pacbayes", "pacbayes-mag", "worst-case", "worst-case-mag"]);
            var options = new MeasureOptions
            {
                Performance = groups.Contains("perf"), Norms = groups.Contains("norms"), Sharpness = groups.Contains("sharpness"),
                Batch = CommonOptions.Positive(r.GetValue(batch), "--batch"), Seed = r.GetValue(seed),
                PacBayesSigma = which.Contains("pacbayes"), PacBayesMagnitudeSigma = which.Contains("pacbayes-mag"),
                WorstCaseSharpness = which.Contains("worst-case"), WorstCaseMagnitudeSharpness = which.Contains("worst-case-mag"),
                SharpnessImages = CommonOptions.Positive(r.GetValue(images), "--sharpness-images"),
                TargetDeviation = r.GetValue(target), DeviationTolerance = r.GetValue(tolerance),
                MonteCarloSamples = CommonOptions.Positive(r.GetValue(samples), "--samples"),
                SigmaSearchDepth = CommonOptions.Positive(r.GetValue(sigmaDepth), "--sigma-depth"),
                SigmaLower = r.GetValue(sigmaLower), SigmaUpper = r.GetValue(sigmaUpper),
                SigmaConvention = r.GetValue(convention) == "port" ? SigmaConvention.Port : SigmaConvention.Paper,
                SigmaEvaluation = r.GetValue(evaluation) == "full" ? SearchEvaluation.Full : SearchEvaluation.Adaptive,
                AdaptiveZ = r.GetValue(z), SequentialSamples = r.GetValue(sequential), MagnitudeEpsilon = r.GetValue(eps),
                SearchChunk = CommonOptions.Positive(r.GetValue(searchChunk), "--search-chunk"),
                SearchBatch = CommonOptions.Positive(r.GetValue(searchBatch), "--search-batch"),
                AlphaUpper = r.GetValue(alphaUpper), AlphaSearchDepth = CommonOptions.Positive(r.GetValue(alphaDepth), "--alpha-depth"),
                WorstCaseRestarts = CommonOptions.Positive(r.GetValue(restarts), "--restarts"),
                AscentRule = r.GetValue(ascent) == "sgd" ? AscentRule.Sgd : AscentRule.Sign,
                AscentSteps = r.GetValue(ascentSteps), WorstCaseImages = CommonOptions.Positive(r.GetValue(worstImages), "--worst-case-images"),
            };
            options.Validate();
            string name = DataLocator.NormalizeName(r.GetValue(dataset)!);
            string weightsPath = r.GetValue(weights)!;
            string? initPath = r.GetValue(init);
            if (initPath == null)
            {
                string beside = Path.Combine(Path.GetDirectoryName(Path.GetFullPath(weightsPath))!, "init.safetensors");
                if (File.Exists(beside) && Path.GetFullPath(beside) != Path.GetFullPath(weightsPath)) initPath = beside;
            }
            else if (!File.Exists(initPath)) throw new InputException($"{initPath}: initial weights not found");
            string? outPath = r.GetValue(output);
            if (outPath != null && !outPath.EndsWith(".parquet", StringComparison.OrdinalIgnoreCase))
                throw new InputException($"--out {outPath}: expected a .parquet file");

            int? lim = r.GetValue(limit) is int l ? CommonOptions.Positive(l, "--limit") : null;
            var dev = CommonOptions.OpenDevice(r.GetValue(device)!);
            using var m = Model.Load(r.GetValue(model)!, weightsPath, dev);
            using var m0 = initPath == null ? null : Model.Load(r.GetValue(model)!, initPath, dev);
            var data = DataLocator.Load(name, r.GetValue(split)!);
            if (lim is int n) data = data.Take(n);
            if (!m.Spec.Input.SequenceEqual(new[] { data.C, data.H, data.W }))
                throw new InputException($"{r.GetValue(model)}: the model takes [{string.Join(", ", m.Spec.Input)}], {name} has [{data.C}, {data.H}, {data.W}]");
            stdout.WriteLine($"measuring {r.GetValue(model)} ({m.ParameterCount:N0} parameters) on {data} ({r.GetValue(split)}), device {dev.Name}, " +
                              $"initial weights: {initPath ?? "none"}");
            var results = MeasureSuite.Compute(m, data, options, m0);
            stdout.Write(results.Format());
            foreach (var note in results.Notes) stdout.WriteLine(note);
            foreach (var warning in results.Warnings) r.InvocationConfiguration.Error.WriteLine(warning);
            if (OpProfiler.Enabled) r.InvocationConfiguration.Error.WriteLine(OpProfiler.Report());
            if (outPath != null)
            {
                results.ToTable().Write(outPath);
                stdout.WriteLine($"wrote {results.Count} measures to {outPath}");
            }
            return 0;
        });
        return cmd;
    }

    private static HashSet<string> Parse(string value, string option, string[] known)
    {
        var parts = value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(p => p.ToLowerInvariant()).ToList();
        if (parts.Count == 1 && parts[0] == "all") return known.ToHashSet();
        foreach (var p in parts)
            if (!known.Contains(p)) throw new InputException($"{option}: unknown '{p}' (expected all or a comma list of {string.Join(", ", known)})");
        if (parts.Count == 0) throw new InputException($"{option}: nothing selected");
        return parts.ToHashSet();
    }
}
