using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using FastRobust.Attacks;
using FastRobust.Data;
using FastRobust.Nn;
using FastRobust.Random;
using FastRobust.Tables;
using FastRobust.Tensors;
using FastRobust.Training;
using FastRobust.Util;

namespace FastRobust.Study;

/// <summary>Evaluates one model under the study's conditions: clean, attacks at each ε, Gaussian noise at each σ, corruptions at each severity.</summary>
public sealed class ConditionEvaluator(StudyFile study, StudyData data, ulong seed)
{
    private readonly Dataset test = data.Test, attackSet = data.AttackSet;

    public const int InferenceBatch = 256;

    /// <summary>Checks every condition before any work: attack names, settings and shifts.</summary>
    public static void Validate(StudyFile study, string source)
    {
        foreach (var c in study.Conditions)
        {
            if (c.Type == "attack")
            {
                AttackBase attack;
                try { attack = (AttackBase)AttackRegistry.Create(c.Name!); }
                catch (InputException e) { throw new InputException($"{source}: {e.Message}"); }
                // resolved at every level, as the run will: steps 0, a negative α or an ε too large fail here, before any work
                foreach (double level in c.Levels)
                {
                    var o = Options(c, level, source);
                    try { attack.Resolve(o); }
                    catch (InputException e) { throw new InputException($"{source}: attack condition {c.Name} at eps {level}: {e.Message}"); }
                }
            }
        }
    }

    /// <summary>
    /// The clean figures on all test images (the models table's test_accuracy and test_log_loss); set by <see cref="Run"/>.
    /// Every row of <see cref="Run"/> is measured on the evaluation images (the first attack_images of them) instead.
    /// </summary>
    public (double Accuracy, double LogLoss) TestClean { get; private set; }

    /// <summary>
    /// Runs every condition on the one evaluation set (the first attack_images test images): the clean row, each
    /// attack, noise level and corruption, so a row's clean figures and the clean row are the same numbers on the
    /// same images. The samples table (per-sample attack outcomes) is filled when the study asks for it.
    /// </summary>
    public List<ConditionResult> Run(Model model, string unitId, List<Table> samples, Action<string>? stage = null)
    {
        var results = new List<ConditionResult>();
        int k = model.Spec.Classes;
        var testLogits = BatchedInference.Logits(model, test.Images, test.N, InferenceBatch);
        var (tAcc, tLoss, _) = LogitStats.Of(testLogits, test.Labels, k);
        TestClean = (tAcc, tLoss);
        var cleanLogits = BatchedInference.Logits(model, attackSet.Images, attackSet.N, InferenceBatch);
        var (acc, loss, conf) = LogitStats.Of(cleanLogits, attackSet.Labels, k);
        foreach (var c in study.Conditions)
        {
            switch (c.Type)
            {
                case "clean":
                    results.Add(new ConditionResult
                    {
                        Condition = "clean", Kind = "clean", Options = "{}", Images = attackSet.N,
                        Accuracy = acc, LogLoss = loss, MeanConfidence = conf, CleanAccuracy = acc, CleanLogLoss = loss,
                    });
                    break;
                case "shift":
                    foreach (var corruption in CorruptionsOf(c.Name!))
                    foreach (double severity in c.Levels)
                    {
                        stage?.Invoke($"{corruption} {severity}");
                        var shifted = data.Shifted(corruption, (int)severity, model.Device.Backend);
                        var (sAcc, sLoss, sConf) = LogitStats.Of(BatchedInference.Logits(model, shifted.Images, shifted.N, InferenceBatch), shifted.Labels, k);
                        results.Add(new ConditionResult
                        {
                            Condition = corruption, Kind = "shift", Level = severity, Options = "{}", Images = shifted.N,
                            Accuracy = sAcc, LogLoss = sLoss, MeanConfidence = sConf, CleanAccuracy = acc, CleanLogLoss = loss,
                        });
                    }
                    break;
                case "attack":
                case "noise":
                    foreach (double level in c.Levels)
                    {
                        stage?.Invoke($"{c.Name} {level.ToString("G4", CultureInfo.InvariantCulture)}");
                        results.Add(Attack(model, unitId, c, level, acc, loss, samples));
                    }
                    break;
            }
        }
        return results;
    }

    /// <summary>"all": the 19 corruptions; "benchmark": the 15 of the CIFAR-10-C benchmark; else the one named.</summary>
    private static IEnumerable<string> CorruptionsOf(string name) => name switch
    {
        "all" => Shifts.Generation.Corruptions.Names,
        "benchmark" => Shifts.Generation.Corruptions.Benchmark.Select(c => c.Name),
        _ => [name],
    };

    private ConditionResult Attack(Model model, string unitId, ConditionEntry c, double level, double cleanAcc, double cleanLoss, List<Table> samples)
    {
        var attack = AttackRegistry.Create(c.Name!);
        var options = Options(c, level, "study");
        // per-condition stream: the same unit, condition and level draw the same numbers in every run and shard
        var rng = new PhiloxStream(seed, (ulong)StableHash.Of($"{c.Name}|{level.ToString("R", CultureInfo.InvariantCulture)}"));
        using var scope = new TensorScope();
        var x = Tensor.FromArray(attackSet.Images, [attackSet.N, attackSet.C, attackSet.H, attackSet.W], model.Device);
        using var y = IntTensor.FromArray(attackSet.Labels, model.Device);
        using var result = attack.Run(model, x, y, options, rng);
        var adv = result.AdversarialToArray();
        var logits = BatchedInference.Logits(model, adv, attackSet.N, InferenceBatch);
        var (acc, loss, conf) = LogitStats.Of(logits, attackSet.Labels, model.Spec.Classes);
        // success rate and norms from the attack's own summary (the figures `attack` prints), never recomputed here
        var summary = AttackSummary.Of(result);
        if (study.Samples) samples.Add(SampleRows(unitId, c, level, result));
        static double? N(double v) => double.IsFinite(v) ? v : null;
        return new ConditionResult
        {
            Condition = c.Name!, Kind = c.Type, Level = level, Options = result.Options, Images = attackSet.N,
            Eps255 = c.Type == "attack" && attack.Norm == ThreatNorm.Linf ? LevelValue.Eps255(level) : null,
            Accuracy = acc, LogLoss = loss, MeanConfidence = conf, CleanAccuracy = cleanAcc, CleanLogLoss = cleanLoss,
            SuccessRate = N(summary.SuccessRate),
            MeanL2 = N(summary.L2.Mean),
            MedianL2 = N(summary.L2.Median),
            MeanLinf = N(summary.Linf.Mean),
        };
    }

    private static Table SampleRows(string unitId, ConditionEntry c, double level, AttackResult r)
    {
        int n = r.Count;
        return new Table()
            .Add("model", Enumerable.Repeat((string?)unitId, n).ToArray())
            .Add("condition", Enumerable.Repeat(c.Name, n).ToArray())
            .Add("level", Enumerable.Repeat((double?)level, n).ToArray())
            .Add("sample", Enumerable.Range(0, n).Select(i => (long)i).ToArray())
            .Add("label", r.Labels.Select(v => (long)v).ToArray())
            .Add("clean_prediction", r.CleanPrediction.Select(v => (long)v).ToArray())
            .Add("prediction", r.Prediction.Select(v => (long)v).ToArray())
            .Add("attacked", r.Attacked)
            .Add("success", r.Success)
            .Add("steps", r.Steps.Select(v => (long)v).ToArray())
            .Add("l0", r.L0)
            .Add("l1", r.L1)
            .Add("l2", r.L2)
            .Add("linf", r.Linf);
    }

    /// <summary>The attack options of a condition at one level, from its settings.</summary>
    private static AttackOptions Options(ConditionEntry c, double level, string source)
    {
        var o = new AttackOptions { Epsilon = (float)level };
        foreach (var (key, node) in c.Settings)
        {
            string where = $"{source}: condition {c.Name}: '{key}'";
            o = key switch
            {
                "alpha" => o with { StepSize = (float)Number(node, where) },
                "steps" => o with { Steps = (int)Number(node, where) },
                "restarts" => o with { Restarts = (int)Number(node, where) },
                "random_start" => o with { RandomStart = Flag(node, where) },
                "early_stop" => o with { EarlyStop = Flag(node, where) },
                "all_samples" => o with { AllSamples = Flag(node, where) },
                "overshoot" => o with { Overshoot = (float)Number(node, where) },
                "confidence" => o with { Confidence = (float)Number(node, where) },
                "binary_search_steps" => o with { BinarySearchSteps = (int)Number(node, where) },
                "learning_rate" => o with { LearningRate = (float)Number(node, where) },
                "target" => o with { Target = Target(node, where) },
                "version" => o with { Version = node is JsonValue vv && vv.TryGetValue(out string? ver) ? ver : throw new InputException($"{where} must be standard, plus or rand") },
                "target_classes" => o with { TargetClasses = (int)Number(node, where) },
                _ => throw new InputException($"{where}: unknown setting"),
            };
        }
        return o;
    }

    /// <summary>A number, or a fraction written as a string ("2/255"), exactly as <see cref="LevelValue"/> reads levels.</summary>
    private static double Number(JsonNode? n, string where) =>
        n is JsonValue v && (v.TryGetValue(out double d) || (v.TryGetValue(out string? s) && LevelValue.TryParse(s, out d)))
            ? d : throw new InputException($"{where} must be a number (or a fraction such as \"2/255\")");

    private static bool Flag(JsonNode? n, string where) =>
        n is JsonValue v && v.TryGetValue(out bool b) ? b : throw new InputException($"{where} must be true or false");

    private static TargetMode Target(JsonNode? n, string where) =>
        (n is JsonValue v && v.TryGetValue(out string? s) ? s : null) switch
        {
            "none" => TargetMode.None,
            "random" => TargetMode.Random,
            "least-likely" => TargetMode.LeastLikely,
            _ => throw new InputException($"{where} must be none, random or least-likely"),
        };

    internal static string Json(object o) => JsonSerializer.Serialize(o);
}
