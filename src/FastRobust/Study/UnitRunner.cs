using System.Diagnostics;
using System.Globalization;
using System.Reflection;
using FastRobust.Data;
using FastRobust.Measures;
using FastRobust.Nn;
using FastRobust.Tables;
using FastRobust.Tensors;
using FastRobust.Training;
using FastRobust.Util;

namespace FastRobust.Study;

/// <summary>
/// The data a study works on, loaded once and shared by its units. Corrupted evaluation sets (the attacked images,
/// which every condition uses) are made once, on first use, from the study's first seed, so every model meets the
/// very same corrupted images.
/// </summary>
public sealed record StudyData(string Name, Dataset Train, Dataset Test, Dataset AttackSet, Dataset MeasureSet, ulong ShiftSeed)
{
    private readonly Dictionary<(string, int), Dataset> _shifted = new();

    /// <summary>The evaluation set (<see cref="AttackSet"/>) under a corruption, made on <paramref name="backend"/>'s corruption kernels where it has them (the same images as the host's).</summary>
    public Dataset Shifted(string corruption, int severity, Backend? backend = null)
    {
        lock (_shifted)
        {
            if (!_shifted.TryGetValue((corruption, severity), out var d))
                _shifted[(corruption, severity)] = d = Shifts.Generation.Corruptions.Apply(corruption, severity, AttackSet, ShiftSeed, backend);
            return d;
        }
    }
}

/// <summary>The tables one unit contributes.</summary>
public sealed record UnitTables(Table Models, Table Evaluations, Table Measures, Table Samples);

/// <summary>Trains (or loads), evaluates and measures one work unit; writes its model files into its folder.</summary>
public static class UnitRunner
{
    public static UnitTables Run(WorkUnit unit, StudyFile study, StudyData data, Device device, string unitDir, IStudyProgress progress)
    {
        var sw = Stopwatch.StartNew();
        Model model;
        Model? init = null;
        List<EpochResult> history = [];
        double trainSeconds = 0;
        var (mean, std) = DatasetStats.For(data.Name, data.Train);
        if (unit.Source == "trained")
        {
            progress.Stage("train");
            var spec = ModelFamilies.Build(unit.FamilyArgs!, [data.Train.C, data.Train.H, data.Train.W], data.Train.Classes, mean, std);
            model = Model.Create(spec, device, unit.Seed);
            init = model.Clone();
            var options = TrainingOptions(unit, data.Train);
            var t0 = Stopwatch.StartNew();
            history = Trainer.Run(model, data.Train, null, options, new StageProgressAdapter(progress, options.Epochs));
            trainSeconds = t0.Elapsed.TotalSeconds;
            init.SaveWeights(Path.Combine(unitDir, "init.safetensors"));
        }
        else
        {
            model = Model.Load(unit.Spec!, unit.Weights!, device);
        }
        model.Save(unitDir);
        try
        {
            progress.Stage("evaluate");
            var samples = new List<Table>();
            var evaluator = new ConditionEvaluator(study, data, unit.Seed ^ (ulong)StableHash.Of(unit.Id));
            var results = evaluator.Run(model, unit.Id, samples, progress.Stage);
            Table measures = Table.Empty;
            if (study.Measures.Length > 0)
            {
                progress.Stage("measures");
                var mo = MeasureOptions(study, unit.Seed);
                var measured = MeasureSuite.Compute(model, data.MeasureSet, mo, init);
                foreach (var w in measured.Warnings) progress.Message($"  {unit.Id}: {w}");
                measures = measured.ToTable(unit.Id);
            }
            var models = ModelRow(unit, model, history, trainSeconds, evaluator.TestClean, HyperparameterTypes.Of(StudyPlan.Expand(study)));
            RobustTrainingSettings.AddColumns(models, unit.Source == "trained" ? RobustTrainingSettings.Read(unit.Training, unit.Id) : null);
            return new UnitTables(models, EvaluationRows(unit.Id, results), measures, samples.Count > 0 ? Table.Concat(samples) : Table.Empty);
        }
        finally
        {
            model.Dispose();
            init?.Dispose();
        }
    }

    public static TrainOptions TrainingOptions(WorkUnit unit, Dataset train)
    {
        var t = unit.Training;
        float F(string k) => float.Parse(t[k], CultureInfo.InvariantCulture);
        int I(string k) => int.Parse(t[k], CultureInfo.InvariantCulture);
        string aug = t["augment"];
        return new TrainOptions
        {
            Epochs = I("epochs"), Batch = I("batch"), Optimizer = t["optimizer"], Lr = F("lr"), Momentum = F("momentum"),
            WeightDecay = F("weight_decay"), Nesterov = t["nesterov"] == "true", Schedule = t["schedule"], LabelSmoothing = F("label_smoothing"),
            Seed = unit.Seed,
            Augment = aug == "crop-flip" || (aug == "auto" && DatasetStats.AutoAugments(train)) ? Augmentation.Standard : null,
            Robust = RobustTrainingSettings.Read(t, $"training of {unit.Id}"),
            RobustEvalLimit = 0,
        };
    }

    /// <summary>Checks every unit's training settings before any work (numbers parse, names are known).</summary>
    public static void ValidateTraining(WorkUnit unit, string source)
    {
        var t = unit.Training;
        void Num(string k, bool integer, double min)
        {
            bool ok = double.TryParse(t[k], NumberStyles.Float, CultureInfo.InvariantCulture, out double d) && d >= min && (!integer || d == Math.Floor(d));
            if (!ok) throw new InputException($"{source}: training '{k}' of {unit.Id} must be {(integer ? "an integer" : "a number")} ≥ {min}, got '{t[k]}'");
        }
        Num("epochs", true, 1);
        Num("batch", true, 1);
        Num("lr", false, 1e-12);
        Num("momentum", false, 0);
        Num("weight_decay", false, 0);
        Num("label_smoothing", false, 0);
        if (t["optimizer"] is not ("sgd" or "adam" or "adamw" or "rmsprop")) throw new InputException($"{source}: training 'optimizer' of {unit.Id} must be sgd, adam, adamw or rmsprop, got '{t["optimizer"]}'");
        if (t["schedule"] is not ("constant" or "step" or "cosine" or "one-cycle")) throw new InputException($"{source}: training 'schedule' of {unit.Id} must be constant, step, cosine or one-cycle, got '{t["schedule"]}'");
        if (t["augment"] is not ("auto" or "none" or "crop-flip")) throw new InputException($"{source}: training 'augment' of {unit.Id} must be auto, none or crop-flip, got '{t["augment"]}'");
        if (t["nesterov"] is not ("true" or "false")) throw new InputException($"{source}: training 'nesterov' of {unit.Id} must be true or false");
        RobustTrainingSettings.Read(t, $"{source}: training of {unit.Id}");
    }

    /// <summary>
    /// The measure options of a study: the groups it names, the unit's seed, and any measure_settings, each a
    /// MeasureOptions property in snake_case (e.g. "sharpness_images": 1000).
    /// </summary>
    public static MeasureOptions MeasureOptions(StudyFile study, ulong seed)
    {
        var o = new MeasureOptions
        {
            Performance = study.Measures.Contains("performance"),
            Norms = study.Measures.Contains("norms"),
            Sharpness = study.Measures.Contains("sharpness"),
            Seed = seed,
        };
        foreach (var (key, value) in study.MeasureSettings)
        {
            string prop = string.Concat(key.Split('_').Select(w => w.Length == 0 ? w : char.ToUpperInvariant(w[0]) + w[1..]));
            var p = typeof(MeasureOptions).GetProperty(prop, BindingFlags.Public | BindingFlags.Instance);
            if (p is null || !p.CanWrite || prop is "Performance" or "Norms" or "Sharpness" or "Seed")
                throw new InputException($"unknown measure setting '{key}' (see docs/measures.md; groups are chosen with 'measures')");
            object parsed;
            try
            {
                parsed = p.PropertyType.IsEnum ? Enum.Parse(p.PropertyType, value.Replace("-", "").Replace("_", ""), ignoreCase: true)
                    : p.PropertyType == typeof(bool) ? bool.Parse(value)
                    : Convert.ChangeType(value, p.PropertyType, CultureInfo.InvariantCulture);
            }
            catch (Exception e) when (e is FormatException or ArgumentException or InvalidCastException or OverflowException)
            {
                throw new InputException($"measure setting '{key}': '{value}' is not a valid {p.PropertyType.Name}");
            }
            // records: copy with one property changed (init-only setters are settable by reflection)
            var copy = o with { };
            p.SetValue(copy, parsed);
            o = copy;
        }
        return o;
    }

    private static Table ModelRow(WorkUnit unit, Model model, List<EpochResult> history, double trainSeconds, (double Accuracy, double LogLoss) clean,
                                  IReadOnlyDictionary<string, bool> numeric)
    {
        var last = history.Count > 0 ? history[^1] : null;
        var t = new Table()
            .Add("model", [unit.Id])
            .Add("index", [(long)unit.Index])
            .Add("family", [unit.Family])
            .Add("source", [unit.Source])
            .Add("architecture", [unit.FamilyArgs ?? unit.Spec])
            .Add("seed", [(long)unit.Seed])
            .Add("parameters", [model.ParameterCount])
            .Add("train_seconds", [(double?)trainSeconds])
            .Add("train_loss", [last?.TrainLoss])
            .Add("train_accuracy", [last?.TrainAccuracy])
            .Add("test_accuracy", [(double?)clean.Accuracy])
            .Add("test_log_loss", [(double?)clean.LogLoss]);
        foreach (var (k, v) in unit.Hyperparameters.OrderBy(kv => kv.Key, StringComparer.Ordinal))
        {
            // numbers as numbers: a key whose every value in the study is a number is a float64 column
            if (numeric.GetValueOrDefault(k)) t.Add("hp_" + k, [(double?)double.Parse(v, CultureInfo.InvariantCulture)]);
            else t.Add("hp_" + k, [v]);
        }
        return t;
    }

    private static Table EvaluationRows(string unitId, List<ConditionResult> rows) => new Table()
        .Add("model", rows.Select(_ => (string?)unitId).ToArray())
        .Add("condition", rows.Select(r => (string?)r.Condition).ToArray())
        .Add("kind", rows.Select(r => (string?)r.Kind).ToArray())
        .Add("level", rows.Select(r => r.Level).ToArray())
        .Add("eps_255", rows.Select(r => r.Eps255).ToArray())
        .Add("options", rows.Select(r => (string?)r.Options).ToArray())
        .Add("images", rows.Select(r => (long)r.Images).ToArray())
        .Add("accuracy", rows.Select(r => (double?)r.Accuracy).ToArray())
        .Add("log_loss", rows.Select(r => (double?)r.LogLoss).ToArray())
        .Add("mean_confidence", rows.Select(r => (double?)r.MeanConfidence).ToArray())
        .Add("clean_accuracy", rows.Select(r => (double?)r.CleanAccuracy).ToArray())
        .Add("clean_log_loss", rows.Select(r => (double?)r.CleanLogLoss).ToArray())
        .Add("accuracy_gap", rows.Select(r => Finite(r.AccuracyGap)).ToArray())
        .Add("relative_accuracy_drop", rows.Select(r => Finite(r.RelativeAccuracyDrop)).ToArray())
        .Add("log_loss_gap", rows.Select(r => Finite(r.LogLossGap)).ToArray())
        .Add("relative_log_loss_increase", rows.Select(r => Finite(r.RelativeLogLossIncrease)).ToArray())
        .Add("success_rate", rows.Select(r => r.SuccessRate).ToArray())
        .Add("mean_l2", rows.Select(r => r.MeanL2).ToArray())
        .Add("median_l2", rows.Select(r => r.MedianL2).ToArray())
        .Add("mean_linf", rows.Select(r => r.MeanLinf).ToArray());

    private static double? Finite(double v) => double.IsFinite(v) ? v : null;

    /// <summary>Turns the trainer's epoch/step callbacks into stage progress.</summary>
    private sealed class StageProgressAdapter(IStudyProgress progress, int epochs) : ITrainProgress
    {
        private int _steps = 1;

        public void EpochStarted(int epoch, int steps)
        {
            _steps = Math.Max(1, steps);
            progress.Stage($"train epoch {epoch + 1}/{epochs}");
        }

        public void Step(int epoch, int step, double? runningLoss) => progress.StageProgress((double)step / _steps);

        public void EpochFinished(EpochResult result) => progress.Message(
            $"  epoch {result.Epoch}/{epochs}: loss {result.TrainLoss:F4}, train accuracy {result.TrainAccuracy:P1}, {result.ImagesPerSecond:F0} img/s");
    }
}
