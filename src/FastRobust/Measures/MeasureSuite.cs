using System.Diagnostics;
using FastRobust.Data;
using FastRobust.Nn;
using FastRobust.Training;
using FastRobust.Util;

namespace FastRobust.Measures;

/// <summary>
/// Measures of one model on one labelled set (Jiang et al. measure on the training set): performance and
/// uncertainty, norm-based measures and sharpness, each value with the options that produced it. The study
/// driver calls <see cref="Compute"/> per model and appends <see cref="MeasureResults.ToTable"/> to its measures
/// table. Definitions and defaults: docs/measures.md.
/// </summary>
public static class MeasureSuite
{
    /// <param name="model">a single model (not an ensemble), on any device</param>
    /// <param name="data">the labelled set (usually the training set); m in the bounds is its size</param>
    /// <param name="init">the model's initial weights (same spec) for distance-from-initialisation measures, or null</param>
    public static MeasureResults Compute(Model model, Dataset data, MeasureOptions options, Model? init = null)
    {
        options.Validate();
        if (model.Members != 1) throw new ArgumentException("measure a single model, not an ensemble");
        if (init != null && init.Spec.ToJson() != model.Spec.ToJson()) throw new InputException("the initial model has another architecture");
        BatchedInference.CheckShape(model, [data.N, data.C, data.H, data.W], data.Name);
        if (data.Classes > model.Spec.Classes) throw new InputException($"{data.Name} has {data.Classes} classes, the model {model.Spec.Classes}");
        if (data.N == 0) throw new InputException($"{data.Name}: no images to measure on");
        var o = options;
        var results = new MeasureResults();
        var clock = Stopwatch.StartNew();

        string setInfo = $"{data.Name}, {data.N} images";
        if (o.Performance || o.Norms)
        {
            var logits = BatchedInference.Logits(model, data.Images, data.N, o.Batch);
            string perfOptions = MeasureOptions.ToJson(new Dictionary<string, object>
            {
                ["data"] = data.Name, ["images"] = data.N, ["ece_bins"] = o.EceBins, ["margin_percentile"] = o.MarginPercentile,
            });
            if (o.Performance) PerformanceMeasures.Compute(results, logits, data.Labels, model.Spec.Classes, o, perfOptions);
            results.Notes.Add($"performance on {setInfo}: {clock.Elapsed.TotalSeconds:F1}s");
            if (o.Norms)
            {
                var margins = PerformanceMeasures.Margins(logits, data.Labels, model.Spec.Classes);
                double gamma = PerformanceMeasures.LowerPercentile(margins, o.MarginPercentile);
                string normOptions = MeasureOptions.ToJson(new Dictionary<string, object>
                {
                    ["data"] = data.Name, ["images"] = data.N, ["margin_percentile"] = o.MarginPercentile, ["gamma"] = gamma,
                    ["batch_norm"] = "folded into the preceding conv", ["biases"] = "excluded",
                    ["operator_norm_iterations"] = o.OperatorNormIterations, ["operator_norm_tolerance"] = o.OperatorNormTolerance,
                    ["path_norm_biases"] = o.PathNormIncludesBiases, ["init"] = init != null,
                });
                var t0 = clock.Elapsed;
                NormMeasures.Compute(results, model, FoldedNetwork.From(model), init == null ? null : FoldedNetwork.From(init), gamma, o, normOptions);
                results.Notes.Add($"norms: {(clock.Elapsed - t0).TotalSeconds:F1}s (γ = {gamma:G6})");
            }
        }

        if (o.Sharpness && (o.PacBayesSigma || o.PacBayesMagnitudeSigma || o.WorstCaseSharpness || o.WorstCaseMagnitudeSharpness))
            ComputeSharpness(results, model, data, o, init, clock);
        return results;
    }

    /// <summary>
    /// Every value derived from a search carries its status; a search that did not converge leaves a warning among
    /// the notes (the study prints them), since its value is then a bracket end or a last guess, not a measurement.
    /// </summary>
    private static void Mark(MeasureResults results, int first, SearchResult r, string name)
    {
        results.SetStatus(first, r.Status);
        if (r.Status != SearchStatus.Converged)
            results.Warnings.Add($"warning: {name} ended {r.Status} after {r.Steps.Count} steps at {r.Value:G4} " +
                                 (r.Status == SearchStatus.AtLowerBound ? "(deepen the search: its floor halves with every step)"
                                  : r.Status == SearchStatus.AtUpperBound ? "(raise the bracket's upper end or set widen_bracket)"
                                  : "(deepen the search or widen the tolerance)"));
    }

    private static void ComputeSharpness(MeasureResults results, Model model, Dataset data, MeasureOptions o, Model? init, Stopwatch clock)
    {
        var ts = clock.Elapsed;
        var sharp = SharpnessData.Create(model, data, o.SharpnessImages, o.Seed, o.Batch);
        results.Notes.Add($"sharpness subset: {sharp.N} images, unperturbed accuracy {sharp.Accuracy:F4} [{(clock.Elapsed - ts).TotalSeconds:F1}s]");
        var w = FoldedNetwork.From(model).WeightVector();
        var w0 = init == null ? null : FoldedNetwork.From(init).WeightVector();
        int m = data.N;
        var common = new Dictionary<string, object>
        {
            ["data"] = data.Name, ["m"] = m, ["search_images"] = sharp.N, ["reference_accuracy"] = sharp.Accuracy,
            ["target"] = o.TargetDeviation, ["tolerance"] = o.DeviationTolerance, ["seed"] = o.Seed,
        };
        string Options(Dictionary<string, object> extra) => MeasureOptions.ToJson(common.Concat(extra).ToDictionary(p => p.Key, p => p.Value));
        void Add(string name, double v, string reference, string options) => results.Add(name, v, SharpnessBounds.Group, reference, options);

        if (o.PacBayesSigma || o.PacBayesMagnitudeSigma)
        {
            using var ens = new PerturbedEnsemble(model, o.MonteCarloSamples, o.SequentialSamples);
            foreach (bool magnitude in new[] { false, true })
            {
                if (magnitude ? !o.PacBayesMagnitudeSigma : !o.PacBayesSigma) continue;
                var t0 = clock.Elapsed;
                var cpu0 = Process.GetCurrentProcess().TotalProcessorTime;
                var r = PacBayesSigmaSearch.Run(ens, sharp, o, magnitude);
                double cpu = (Process.GetCurrentProcess().TotalProcessorTime - cpu0).TotalSeconds;
                var extra = new Dictionary<string, object>
                {
                    ["convention"] = MeasureOptions.Name(o.SigmaConvention), ["bracket"] = new[] { o.SigmaLower, o.SigmaUpper },
                    ["depth"] = o.SigmaSearchDepth, ["samples"] = o.MonteCarloSamples, ["evaluation"] = MeasureOptions.Name(o.SigmaEvaluation),
                    ["z"] = o.AdaptiveZ, ["chunk"] = o.SearchChunk, ["steps"] = r.Steps.Count, ["sequential"] = o.SequentialSamples,
                    ["images_evaluated"] = r.Steps.Sum(s => (long)s.Images) * o.MonteCarloSamples,
                };
                if (magnitude) extra["epsilon"] = o.MagnitudeEpsilon;
                if (!double.IsNaN(r.Upper) && r.Upper != o.SigmaUpper) extra["widened_upper"] = r.Upper;
                string opts = Options(extra);
                int first = results.Count;
                if (magnitude)
                {
                    Add("pacbayes_mag_sigma", r.Value, "σ′ of Jiang et al. 2020 (magnitude-aware)", opts);
                    SharpnessBounds.PacBayesMagnitude(results, w, w0, m, r.Value, o.MagnitudeEpsilon, opts);
                }
                else
                {
                    Add("pacbayes_sigma", r.Value, "σ of Jiang et al. 2020", opts);
                    SharpnessBounds.PacBayes(results, w, w0, m, r.Value, opts);
                }
                Mark(results, first, r, magnitude ? "σ′ search" : "σ search");
                double wall = (clock.Elapsed - t0).TotalSeconds;
                long evaluations = r.Steps.Sum(s => (long)s.Images) * o.MonteCarloSamples;
                results.Notes.Add(r.Trace(magnitude ? "σ′ search" : "σ search") +
                                  $" [{wall:F1}s wall, {cpu:F1}s cpu; {evaluations} perturbed-model evaluations, {evaluations / wall:F0}/s {(o.SequentialSamples ? "sequential" : "batched")}]");
            }
        }
        if (o.WorstCaseSharpness || o.WorstCaseMagnitudeSharpness)
        {
            using var ens = new PerturbedEnsemble(model, o.WorstCaseRestarts);
            foreach (bool magnitude in new[] { false, true })
            {
                if (magnitude ? !o.WorstCaseMagnitudeSharpness : !o.WorstCaseSharpness) continue;
                var t0 = clock.Elapsed;
                var r = WorstCaseSharpness.Run(ens, sharp, o, magnitude);
                var extra = new Dictionary<string, object>
                {
                    ["box"] = magnitude ? "alpha*|w|+eps" : "alpha", ["bracket"] = new[] { o.AlphaLower, o.AlphaUpper },
                    ["depth"] = o.AlphaSearchDepth, ["restarts"] = o.WorstCaseRestarts, ["ascent"] = MeasureOptions.Name(o.AscentRule),
                    ["ascent_steps"] = o.AscentSteps, ["ascent_batch"] = o.AscentBatch,
                    ["ascent_step"] = o.AscentRule == AscentRule.Sign ? o.AscentStepFraction : o.AscentLearningRate,
                    ["eval_images"] = Math.Min(o.WorstCaseImages, sharp.N), ["steps"] = r.Steps.Count,
                };
                if (magnitude) { extra["epsilon"] = o.MagnitudeEpsilon; extra["box_epsilon"] = o.WorstCaseBoxEpsilon; }
                if (!double.IsNaN(r.Upper) && r.Upper != o.AlphaUpper) extra["widened_upper"] = r.Upper;
                string opts = Options(extra);
                int first = results.Count;
                if (magnitude)
                {
                    Add("sharpness_mag_alpha", r.Value, "α′ of Jiang et al. 2020 (magnitude box, PGDL baseline)", opts);
                    SharpnessBounds.SharpnessMagnitude(results, w, w0, m, r.Value, o.MagnitudeEpsilon, opts);
                }
                else
                {
                    Add("sharpness_alpha", r.Value, "α′ of Jiang et al. 2020 (plain box)", opts);
                    SharpnessBounds.Sharpness(results, w, w0, m, r.Value, opts);
                }
                Mark(results, first, r, magnitude ? "α′ search (magnitude box)" : "α′ search");
                results.Notes.Add(r.Trace(magnitude ? "α′ search (magnitude box)" : "α′ search") + $" [{(clock.Elapsed - t0).TotalSeconds:F1}s]");
            }
        }
    }
}
