using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using FastRobust.Data;
using FastRobust.Nn;
using FastRobust.Random;
using FastRobust.Tables;
using FastRobust.Tensors;
using FastRobust.Training;
using FastRobust.Util;

namespace FastRobust.DataRobustness;

/// <summary>
/// Seed 003's experiment in one resumable run: train M (or take a trained one), run the random scheme on the
/// training and test sets, draw a class-balanced subset of the robust training images, retrain the same
/// architecture on it from scratch (M_R), run the scheme on the test set against M_R, and write the summary and
/// the figures. Each stage commits its output atomically (a file through <see cref="AtomicFile"/>, a model folder
/// by renaming a finished temporary folder), and a stage whose output exists is skipped, so a run killed at any
/// point resumes where it stopped and ends with the same results as an uninterrupted one.
/// </summary>
public sealed class DatapointsPipeline(DatapointsSettings settings, Dataset train, Dataset test, Device device, IDatapointsProgress progress)
{
    /// <summary>Philox streams of the scheme on each set; M and M_R see the same test-set draws.</summary>
    public const ulong TrainStream = 0x4450_5452_4149_4E00UL, TestStream = 0x4450_5445_5354_0000UL;

    public const string SettingsFile = "datapoints.json", SummaryFile = "summary.json", TimingsFile = "timings.json";
    public const string TrainSamples = "train_samples.parquet", TestSamples = "test_samples.parquet";
    public const string RetrainedTestSamples = "retrained_test_samples.parquet", SubsetFile = "robust_subset.parquet";
    public const string SurvivalPng = "survival.png", PerClassPng = "robust_per_class.png", ExamplesPng = "robust_vs_nonrobust.png";

    /// <summary>Images per forward pass of the scheme (speed only).</summary>
    public int SchemeBatch { get; init; } = RandomScheme.DefaultBatch;

    /// <summary>Runs (or resumes) every stage in <paramref name="dir"/>; returns the summary written to DIR/summary.json.</summary>
    public JsonObject Run(string dir)
    {
        Directory.CreateDirectory(dir);
        CheckSettings(dir);
        AtomicFile.CleanStale(dir);
        var timings = ReadTimings(dir);
        string originalDir = Path.Combine(dir, "original"), retrainedDir = Path.Combine(dir, "retrained");

        Stage(dir, timings, "original", Done(originalDir), () => MakeOriginal(originalDir));
        using var m = LoadModel(originalDir);
        var trainOutcome = SchemeStage(dir, timings, TrainSamples, "train", m, train, TrainStream);
        var testOutcome = SchemeStage(dir, timings, TestSamples, "test", m, test, TestStream);

        var subset = RobustSubset.Draw(trainOutcome, train.Classes, settings.PerClass, settings.Seed);
        foreach (int c in subset.Shortfall)
            progress.Line($"class {ClassNames()[c]} has {subset.Available[c]} robust training images, fewer than --per-class {settings.PerClass}: all of them are used, so M_R's training set is not balanced");
        if (subset.Indices.Length == 0)
            throw new InputException($"no training image is robust under M ({settings.MaxSteps} steps of {settings.K} pixels): there is nothing to retrain on");
        if (!File.Exists(Path.Combine(dir, SubsetFile)))
            new Table()
                .Add("index", subset.Indices.Select(i => (long)i).ToArray())
                .Add("label", subset.Indices.Select(i => (long)train.Labels[i]).ToArray())
                .Write(Path.Combine(dir, SubsetFile));

        Stage(dir, timings, "retrained", Done(retrainedDir),
            () => TrainInto(retrainedDir, train.Subset(subset.Indices, $"{train.Name} robust subset"), settings.Train with { Epochs = settings.RetrainEpochs }, "M_R"));
        using var mr = LoadModel(retrainedDir);
        var retrainedOutcome = SchemeStage(dir, timings, RetrainedTestSamples, "test against M_R", mr, test, TestStream);

        var summary = Summary(trainOutcome, testOutcome, retrainedOutcome, subset, timings);
        AtomicFile.WriteAllText(Path.Combine(dir, SummaryFile), summary.ToJsonString(new JsonSerializerOptions { WriteIndented = true }) + "\n");
        var names = ClassNames();
        DatapointsFigures.Survival(Path.Combine(dir, SurvivalPng), [("M", testOutcome), ("M_R", retrainedOutcome)], settings.K);
        DatapointsFigures.RobustPerClass(Path.Combine(dir, PerClassPng), subset.Available, settings.PerClass, names, train.N);
        DatapointsFigures.Examples(Path.Combine(dir, ExamplesPng), test, testOutcome, names);
        progress.Line($"wrote {SummaryFile}, {SurvivalPng}, {PerClassPng}, {ExamplesPng} in {dir}");
        return summary;
    }

    public IReadOnlyList<string> ClassNames() => settings.Dataset == "cifar10"
        ? ["airplane", "automobile", "bird", "cat", "deer", "dog", "frog", "horse", "ship", "truck"]
        : Enumerable.Range(0, train.Classes).Select(c => c.ToString(CultureInfo.InvariantCulture)).ToArray();

    private void CheckSettings(string dir)
    {
        string path = Path.Combine(dir, SettingsFile), json = settings.ToJson();
        if (File.Exists(path))
        {
            string old = File.ReadAllText(path);
            if (old != json)
            {
                var a = JsonNode.Parse(old)!.AsObject();
                var b = JsonNode.Parse(json)!.AsObject();
                var differ = b.Select(kv => kv.Key).Where(k => !JsonNode.DeepEquals(a[k], b[k])).ToList();
                throw new InputException($"--out {dir} holds a datapoints run with other settings ({string.Join(", ", differ.Select(k => $"{k}: {a[k]?.ToJsonString() ?? "none"} there, {b[k]?.ToJsonString() ?? "none"} now"))}); resume it with its settings or choose another --out");
            }
            progress.Line($"resuming the run in {dir}");
        }
        else if (Directory.EnumerateFileSystemEntries(dir).Any(e => !Path.GetFileName(e).StartsWith('.')))
            throw new InputException($"--out {dir} is not empty and holds no {SettingsFile}: choose an empty or new folder");
        else AtomicFile.WriteAllText(path, json);
    }

    /// <summary>Runs a stage unless its output exists; records its wall and process CPU seconds (CPU time is what a loaded, shared machine still measures fairly).</summary>
    private void Stage(string dir, Dictionary<string, double> timings, string name, bool done, Action run)
    {
        if (done)
        {
            progress.Line($"{name}: done before, kept");
            return;
        }
        var sw = Stopwatch.StartNew();
        var cpu = Process.GetCurrentProcess().TotalProcessorTime;
        run();
        timings[name] = Math.Round(sw.Elapsed.TotalSeconds, 2);
        timings[name + ".cpu"] = Math.Round((Process.GetCurrentProcess().TotalProcessorTime - cpu).TotalSeconds, 2);
        AtomicFile.WriteAllText(Path.Combine(dir, TimingsFile), JsonSerializer.Serialize(timings, new JsonSerializerOptions { WriteIndented = true }) + "\n");
    }

    private SchemeOutcome SchemeStage(string dir, Dictionary<string, double> timings, string file, string what, Model model, Dataset data, ulong stream)
    {
        string path = Path.Combine(dir, file);
        string key = Path.GetFileNameWithoutExtension(file);
        Stage(dir, timings, key, File.Exists(path), () =>
        {
            progress.Line($"random scheme on {what} ({data.N:N0} images, k = {settings.K}, {settings.MaxSteps} steps)");
            var sw = Stopwatch.StartNew();
            var outcome = progress.Scheme($"scheme on {what}", p =>
                RandomScheme.Run(model, data, settings.K, settings.MaxSteps, new PhiloxStream(settings.Seed, stream), SchemeBatch, p));
            double s = sw.Elapsed.TotalSeconds;
            outcome.ToTable().Write(path);
            progress.Line($"  accuracy {outcome.Accuracy:P2}, robust {outcome.RobustFraction:P2}; {outcome.PerturbedForwards:N0} perturbed forward passes in {s:F1}s ({outcome.PerturbedForwards / Math.Max(s, 1e-9):N0}/s); wrote {file}");
        });
        var read = SchemeOutcome.Read(path);
        if (read.N != data.N || read.MaxSteps != settings.MaxSteps)
            throw new InputException($"{path}: {read.N} rows of {read.MaxSteps} steps, but this run has {data.N} images and {settings.MaxSteps} steps");
        return read;
    }

    private static bool Done(string modelDir) =>
        File.Exists(Path.Combine(modelDir, "model.json")) && File.Exists(Path.Combine(modelDir, "model.safetensors"));

    private Model LoadModel(string modelDir) =>
        Model.Load(Path.Combine(modelDir, "model.json"), Path.Combine(modelDir, "model.safetensors"), device);

    private void MakeOriginal(string dir)
    {
        if (settings.From is not { } from)
        {
            TrainInto(dir, train, settings.Train, "M");
            return;
        }
        Commit(dir, tmp =>
        {
            File.Copy(Path.Combine(from, "model.json"), Path.Combine(tmp, "model.json"));
            File.Copy(Path.Combine(from, "model.safetensors"), Path.Combine(tmp, "model.safetensors"));
            if (File.Exists(Path.Combine(from, "training.json"))) File.Copy(Path.Combine(from, "training.json"), Path.Combine(tmp, "training.json"));
        });
        progress.Line($"original: M copied from {from}");
    }

    /// <summary>Trains a fresh model of the spec (initialised from the run's seed) and commits DIR/model.json, model.safetensors, training.json.</summary>
    private void TrainInto(string dir, Dataset data, TrainOptions options, string label)
    {
        progress.Line($"training {label}: {settings.Model} on {data.N:N0} images, {options.Epochs} epoch(s), {options.Optimizer} lr {options.Lr}");
        using var m = Model.Create(settings.Spec, device, settings.Seed);
        var sw = Stopwatch.StartNew();
        var history = progress.Train($"training {label}", options.Epochs, p => Trainer.Run(m, data, test, options, p));
        double seconds = sw.Elapsed.TotalSeconds;
        Commit(dir, tmp =>
        {
            m.Save(tmp, new Dictionary<string, string> { ["dataset"] = settings.Dataset, ["seed"] = settings.Seed.ToString(CultureInfo.InvariantCulture) });
            AtomicFile.WriteAllText(Path.Combine(tmp, "training.json"), JsonSerializer.Serialize(new
            {
                model = settings.Model, dataset = settings.Dataset, train_images = data.N, eval_images = test.N, seconds, history,
            }, new JsonSerializerOptions { WriteIndented = true, PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower }) + "\n");
        });
        progress.Line($"{label}: test accuracy {history[^1].TestAccuracy:P2} after {options.Epochs} epoch(s), {seconds:F0}s");
    }

    /// <summary>Fills a fresh temporary sibling of <paramref name="dir"/> and renames it into place.</summary>
    private static void Commit(string dir, Action<string> fill)
    {
        string tmp = dir + ".partial";
        if (Directory.Exists(tmp)) Directory.Delete(tmp, true);
        Directory.CreateDirectory(tmp);
        fill(tmp);
        if (Directory.Exists(dir)) Directory.Delete(dir, true);
        Directory.Move(tmp, dir);
    }

    private static Dictionary<string, double> ReadTimings(string dir)
    {
        string path = Path.Combine(dir, TimingsFile);
        if (!File.Exists(path)) return new();
        try { return JsonSerializer.Deserialize<Dictionary<string, double>>(File.ReadAllText(path)) ?? new(); }
        catch (JsonException) { return new(); }
    }

    private JsonObject Summary(SchemeOutcome trainO, SchemeOutcome testO, SchemeOutcome retrainedO, RobustSubset subset, Dictionary<string, double> timings)
    {
        static JsonArray Ints(IEnumerable<int> v) => new(v.Select(x => (JsonNode)x).ToArray());
        var seconds = new JsonObject();
        var cpuSeconds = new JsonObject();
        foreach (var (k, v) in timings)
            if (k.EndsWith(".cpu", StringComparison.Ordinal)) cpuSeconds[k[..^4]] = v;
            else seconds[k] = v;
        seconds["total"] = Math.Round(timings.Where(t => !t.Key.EndsWith(".cpu", StringComparison.Ordinal)).Sum(t => t.Value), 2);
        cpuSeconds["total"] = Math.Round(timings.Where(t => t.Key.EndsWith(".cpu", StringComparison.Ordinal)).Sum(t => t.Value), 2);
        return new JsonObject
        {
            ["original"] = new JsonObject
            {
                ["test_accuracy"] = testO.Accuracy, ["test_robust_fraction"] = testO.RobustFraction,
                ["train_accuracy"] = trainO.Accuracy, ["train_robust_fraction"] = trainO.RobustFraction,
                ["train_images"] = train.N,
            },
            ["retrained"] = new JsonObject
            {
                ["test_accuracy"] = retrainedO.Accuracy, ["test_robust_fraction"] = retrainedO.RobustFraction,
                ["train_images"] = subset.Indices.Length,
            },
            ["robust_train_per_class"] = Ints(subset.Available),
            ["per_class"] = settings.PerClass,
            ["k"] = settings.K,
            ["max_steps"] = settings.MaxSteps,
            ["sampled_per_class"] = Ints(subset.Taken),
            ["classes_short_of_per_class"] = Ints(subset.Shortfall),
            ["test_robust_per_class"] = new JsonObject
            {
                ["original"] = Ints(testO.RobustPerClass(test.Classes)), ["retrained"] = Ints(retrainedO.RobustPerClass(test.Classes)),
            },
            ["dataset"] = settings.Dataset, ["model"] = settings.Model, ["seed"] = settings.Seed, ["test_images"] = test.N,
            ["perturbed_forward_passes"] = new JsonObject
            {
                ["train"] = trainO.PerturbedForwards, ["test"] = testO.PerturbedForwards, ["retrained_test"] = retrainedO.PerturbedForwards,
            },
            ["seconds"] = seconds,
            ["cpu_seconds"] = cpuSeconds,
        };
    }
}
