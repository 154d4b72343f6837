using System.CommandLine;
using System.Globalization;
using FastRobust.Data;
using FastRobust.Nn;
using FastRobust.Shifts.Evaluation;
using FastRobust.Shifts.Generation;
using FastRobust.Util;

namespace FastRobust.Cli.Commands;

/// <summary>
/// ./run.sh evaluate: a model's accuracy under distribution shift — the clean test set, CIFAR-10-C (released, or
/// generated here), CIFAR-10.1, CIFAR-10-C-like folders — with mean corruption accuracy, mCE and relative mCE
/// against a baseline model; printed, and written as Parquet tables with --out.
/// </summary>
public static class EvaluateCommand
{
    public static Command Create()
    {
        var model = ModelOptions.Spec();
        var weights = ModelOptions.Weights();
        var shift = new Option<string[]>("--shift")
        {
            Description = "What to evaluate on (repeatable or comma-separated): cifar10-c (the released set), cifar10.1, corruptions (all 19 generated here), " +
                          "benchmark (the 15 of mCE, generated), a corruption name (generated), any of those with :S for one severity, or a CIFAR-10-C-like folder. " +
                          "The clean test set is always evaluated.",
            Required = true,
            AllowMultipleArgumentsPerToken = true,
        };
        var severity = new Option<string>("--severity") { Description = "Severities of corruption shifts: 1-5, one, or a list", DefaultValueFactory = _ => "1-5" };
        var baseModel = new Option<string?>("--baseline-model") { Description = "Spec of the baseline model mCE is normalised by (the paper uses AlexNet)" };
        var baseWeights = new Option<string?>("--baseline-weights") { Description = "Weights of the baseline model" };
        var baseName = new Option<string?>("--baseline-name") { Description = "Name of the baseline in the tables (default: its weights file)" };
        var dataset = new Option<string?>("--dataset") { Description = "Clean data the generated corruptions start from: cifar10, mnist or folder:PATH (an image folder, docs/datasets.md) (default: from the model's input shape)" };
        var limit = new Option<int?>("--limit") { Description = "Evaluate on the first N images of each set only" };
        var batch = new Option<int>("--batch") { Description = "Images per forward pass", DefaultValueFactory = _ => 500 };
        var output = new Option<string?>("--out") { Description = "Folder for evaluations.parquet (one row per condition) and scores.parquet (per corruption and summary scores)" };
        var device = CommonOptions.Device();
        var seed = CommonOptions.Seed();
        var cmd = new Command("evaluate", "Evaluate a model under distribution shift: CIFAR-10-C, CIFAR-10.1, generated corruptions; mCA, mCE, relative mCE")
        {
            model, weights, shift, severity, baseModel, baseWeights, baseName, dataset, limit, batch, output, device, seed,
        };
        cmd.SetAction(r =>
        {
            var stdout = r.InvocationConfiguration.Output;
            int b = CommonOptions.Positive(r.GetValue(batch), "--batch");
            if (r.GetValue(output) is { } o) OutputPath.CheckDirectory(o, "--out");
            int[] severities = Corruptions.ParseSeverities(r.GetValue(severity)!);
            int? lim = r.GetValue(limit) is int l ? CommonOptions.Positive(l, "--limit") : null;
            string? bm = r.GetValue(baseModel), bw = r.GetValue(baseWeights);
            if ((bm == null) != (bw == null)) throw new InputException("--baseline-model and --baseline-weights go together");
            string specPath = r.GetValue(model)!, weightsPath = r.GetValue(weights)!;
            var dev = CommonOptions.OpenDevice(r.GetValue(device)!);
            using var m = Model.Load(specPath, weightsPath, dev);
            using var baseline = bm == null ? null : Model.Load(bm, bw!, dev);
            if (baseline != null && !baseline.Spec.Input.SequenceEqual(m.Spec.Input))
                throw new InputException($"{bm}: the baseline takes [{string.Join(", ", baseline.Spec.Input)}], the model [{string.Join(", ", m.Spec.Input)}]");
            string name = r.GetValue(dataset) is { } d ? DataLocator.NormalizeName(d) : m.Spec.Input.SequenceEqual(new[] { 1, 28, 28 }) ? "mnist" : "cifar10";
            var clean = DataLocator.Load(name, "test");
            if (lim is int li) clean = clean.Take(li);
            if (!m.Spec.Input.SequenceEqual(new[] { clean.C, clean.H, clean.W }))
                throw new InputException($"{specPath}: the model takes [{string.Join(", ", m.Spec.Input)}], {name} is [{clean.C}, {clean.H}, {clean.W}]");
            var conditions = ShiftConditions.Parse(r.GetValue(shift)!, clean, severities, r.GetValue(seed), lim, dev.Backend);
            string? outDir = r.GetValue(output);
            string modelName = Path.GetFileNameWithoutExtension(weightsPath), baselineName = r.GetValue(baseName) ?? (bw == null ? "" : Path.GetFileNameWithoutExtension(bw));
            if (baseline != null && baselineName == modelName) baselineName += " (baseline)";
            stdout.WriteLine($"evaluating {specPath} on {conditions.Count} condition(s){(baseline != null ? $", baseline {bm}" : "")}, device {dev.Name}");
            var models = baseline == null ? new[] { m } : new[] { m, baseline };
            var results = ShiftEvaluator.Evaluate(models, conditions, b, (c, rows) =>
                stdout.WriteLine($"  {c,-36} n {rows[0].N,6}  accuracy {rows[0].Accuracy,7:P2}{(rows.Count > 1 ? $"  baseline {rows[1].Accuracy,7:P2}" : "")}"));
            var scores = CorruptionScores.Compute(results[0], baseline == null ? null : results[1]);
            stdout.Write(Format(results[0], scores, baseline != null ? baselineName : null));
            if (outDir != null)
            {
                var evals = ShiftEvaluator.ToTable(modelName, results[0]);
                if (baseline != null) evals = Tables.Table.Concat([evals, ShiftEvaluator.ToTable(baselineName, results[1])]);
                evals.Write(Path.Combine(outDir, "evaluations.parquet"));
                CorruptionScores.ToTable(modelName, baseline != null ? baselineName : null, scores).Write(Path.Combine(outDir, "scores.parquet"));
                stdout.WriteLine($"wrote {Path.Combine(outDir, "evaluations.parquet")} and {Path.Combine(outDir, "scores.parquet")}");
            }
            return 0;
        });
        return cmd;
    }

    /// <summary>The corruption accuracies as a severity table per corruption set, then the summary scores.</summary>
    internal static string Format(IReadOnlyList<ShiftEvaluation> rows, IReadOnlyList<ShiftScore> scores, string? baseline)
    {
        var w = new StringWriter(CultureInfo.InvariantCulture);
        foreach (var group in rows.Where(e => e.IsCorruption).GroupBy(e => e.Shift))
        {
            var sev = group.Select(e => e.Severity).Distinct().OrderBy(s => s).ToArray();
            w.WriteLine();
            w.WriteLine($"{group.Key}: accuracy (%) by severity");
            w.WriteLine($"  {"corruption",-18}" + string.Concat(sev.Select(s => $"{s,7}")) + $"{"mean",8}" + (baseline != null ? $"{"CE",8}{"rel CE",8}" : ""));
            foreach (var c in group.GroupBy(e => e.Corruption))
            {
                string line = $"  {c.Key,-18}" + string.Concat(sev.Select(s => c.FirstOrDefault(e => e.Severity == s) is { } e ? $"{100 * e.Accuracy,7:F2}" : $"{"",7}"));
                line += $"{100 * c.Average(e => e.Accuracy),8:F2}";
                if (baseline != null)
                {
                    line += Pct(scores.FirstOrDefault(s => s.Shift == group.Key && s.Metric == "ce" && s.Corruption == c.Key)?.Value);
                    line += Pct(scores.FirstOrDefault(s => s.Shift == group.Key && s.Metric == "relative_ce" && s.Corruption == c.Key)?.Value);
                }
                w.WriteLine(line);
            }
        }
        w.WriteLine();
        foreach (var s in scores.Where(s => s.Corruption.Length == 0))
        {
            string what = s.Metric switch
            {
                "clean_accuracy" => "clean accuracy",
                "accuracy" => $"{s.Shift} accuracy",
                "mca" => $"{s.Shift}: mean corruption accuracy over {s.Count} corruption(s)",
                "mca_all" => $"{s.Shift}: mean accuracy over all {s.Count} corruption(s) evaluated",
                "mce" => $"{s.Shift}: mCE vs {baseline} over {s.Count} corruption(s)",
                "relative_mce" => $"{s.Shift}: relative mCE vs {baseline} over {s.Count} corruption(s)",
                _ => $"{s.Shift} {s.Metric}",
            };
            w.WriteLine($"{what,-64} {(s.Value is double v ? $"{100 * v:F2}%" : "n/a")}");
        }
        return w.ToString();
    }

    private static string Pct(double? v) => v is double x ? $"{100 * x,8:F1}" : $"{"n/a",8}";
}
