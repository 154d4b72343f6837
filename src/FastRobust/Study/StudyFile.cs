using System.Globalization;
using System.Text.Json.Nodes;
using FastRobust.Data;
using FastRobust.Util;

namespace FastRobust.Study;

/// <summary>One model source of a study: a family with a hyperparameter grid, or a spec + weights file to load.</summary>
public sealed record ModelEntry
{
    public string? Family { get; init; }
    /// <summary>Family hyperparameter → the values to try (the grid is their Cartesian product).</summary>
    public IReadOnlyList<(string Key, string[] Values)> Grid { get; init; } = [];
    /// <summary>Training hyperparameter → the values to try (optimizer, lr, epochs, batch, weight_decay, momentum, schedule).</summary>
    public IReadOnlyList<(string Key, string[] Values)> TrainingGrid { get; init; } = [];
    public string? Spec { get; init; }
    public string? Weights { get; init; }
    public string? Name { get; init; }
}

/// <summary>One evaluation condition: clean data, an attack at each ε, Gaussian noise at each σ, or a shift.</summary>
public sealed record ConditionEntry
{
    public required string Type { get; init; }
    /// <summary>Attack name (fgsm, pgd, ...) or shift name (a corruption, cifar10.1, cifar10-c).</summary>
    public string? Name { get; init; }
    /// <summary>ε values (attacks), σ values (noise) or severities (shifts), exactly as given ("8/255" is 8.0 / 255).</summary>
    public double[] Levels { get; init; } = [];
    /// <summary>
    /// Per-dataset levels when the file gives a map ({"cifar10": [...], "mnist": [...]}): <see cref="StudyFile.ForDataset"/>
    /// picks the data set's list. Null when the levels are one list for every data set.
    /// </summary>
    public IReadOnlyDictionary<string, double[]>? LevelsByDataset { get; init; }
    /// <summary>Further attack settings as given (alpha, steps, restarts, random_start, ...).</summary>
    public IReadOnlyDictionary<string, JsonNode?> Settings { get; init; } = new Dictionary<string, JsonNode?>();
}

/// <summary>
/// A study: which models to train or load, on which data, under which conditions to evaluate them and which
/// measures to take. JSON with comments; every key is checked, and a bad file fails before any work with the key
/// and the reason. docs/study.md documents the format.
/// </summary>
public sealed record StudyFile
{
    public string Name { get; init; } = "study";
    public string Dataset { get; init; } = "auto";
    public int TrainImages { get; init; }
    public int TestImages { get; init; }
    public int AttackImages { get; init; } = 500;
    public int MeasureImages { get; init; } = 2000;
    public ulong[] Seeds { get; init; } = [0];
    public string Device { get; init; } = "auto";
    public IReadOnlyDictionary<string, string> Training { get; init; } = new Dictionary<string, string>();
    public IReadOnlyList<ModelEntry> Models { get; init; } = [];
    public IReadOnlyList<ConditionEntry> Conditions { get; init; } = [];
    public string[] Measures { get; init; } = ["performance", "norms", "sharpness"];
    public IReadOnlyDictionary<string, string> MeasureSettings { get; init; } = new Dictionary<string, string>();
    public bool Samples { get; init; }

    /// <summary>The file's text with comments and formatting removed: what a study directory remembers.</summary>
    public string Canonical { get; init; } = "";

    /// <summary>The most models one study file may expand to.</summary>
    public const int MaxUnits = 100_000;

    public static readonly string[] TrainingKeys =
        ["epochs", "batch", "optimizer", "lr", "momentum", "weight_decay", "nesterov", "schedule", "augment", "label_smoothing", .. RobustTrainingSettings.Keys];
    public static readonly string[] MeasureGroups = ["performance", "norms", "sharpness"];
    public static readonly string[] ConditionTypes = ["clean", "attack", "noise", "shift"];

    private static readonly string[] TopKeys =
        ["name", "dataset", "train_images", "test_images", "attack_images", "measure_images", "seeds", "device", "training",
         "models", "conditions", "measures", "measure_settings", "samples"];

    public static StudyFile Load(string path)
    {
        if (!File.Exists(path)) throw new InputException($"{path}: study file not found");
        string text;
        try { text = File.ReadAllText(path); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { throw new InputException($"{path}: cannot read: {e.Message}"); }
        return Parse(text, path);
    }

    public static StudyFile Parse(string text, string source)
    {
        var root = JsonInput.Parse(text, source, "the study file");
        if (root is not JsonObject o) throw new InputException($"{source}: a study file is a JSON object");
        return Read(o, root, source);
    }

    private static StudyFile Read(JsonObject o, JsonNode root, string source)
    {
        var r = new Reader(source);
        r.Keys(o, TopKeys, "");
        var study = new StudyFile
        {
            Name = r.String(o, "name", "study"),
            Dataset = r.Dataset(o),
            TrainImages = r.Int(o, "train_images", 0, min: 0),
            TestImages = r.Int(o, "test_images", 0, min: 0),
            AttackImages = r.Int(o, "attack_images", 500, min: 0),
            MeasureImages = r.Int(o, "measure_images", 2000, min: 1),
            Seeds = r.Seeds(o),
            Device = r.OneOf(o, "device", ["auto", "cpu", "cuda", "ilgpu-cpu"], "auto"),
            Training = r.Training(o["training"], "training"),
            Models = r.Models(o),
            Conditions = r.Conditions(o),
            Measures = r.Measures(o),
            MeasureSettings = r.FlatStrings(o["measure_settings"], "measure_settings"),
            Samples = r.Bool(o, "samples", false),
            Canonical = root.ToJsonString(),
        };
        // the grid is a product: a few long lists make millions of models, which is a typo, not a plan
        double units = study.Models.Sum(m => m.Grid.Concat(m.TrainingGrid).Aggregate(1.0, (a, g) => a * g.Values.Length)) * study.Seeds.Length;
        if (units > MaxUnits)
            throw new InputException($"{source}: the models' grids and seeds expand to {units:G4} models, more than {MaxUnits} (split the study into several files)");
        if (!study.Conditions.Any(c => c.Type == "clean"))
            throw new InputException($"{source}: 'conditions' must include {{\"type\": \"clean\"}}: every robustness notion is relative to clean accuracy");
        return study;
    }

    /// <summary>
    /// The study as it runs on <paramref name="dataset"/>: every per-data-set map of levels or attack settings
    /// replaced by that data set's entry. A map without an entry for it fails, naming the condition: a study never
    /// runs one data set's ε on another.
    /// </summary>
    public StudyFile ForDataset(string dataset, string source)
    {
        var conditions = new List<ConditionEntry>();
        for (int i = 0; i < Conditions.Count; i++)
        {
            var c = Conditions[i];
            string where = $"{source}: conditions[{i}] ({c.Name ?? c.Type})";
            var levels = c.Levels;
            if (c.LevelsByDataset is { } map)
                levels = map.TryGetValue(dataset, out var l) ? l
                    : throw new InputException($"{where}: its levels name {string.Join(", ", map.Keys)} but the study runs on {dataset} (add \"{dataset}\": [...])");
            var settings = new Dictionary<string, JsonNode?>();
            foreach (var (k, v) in c.Settings)
            {
                if (v is JsonObject byDataset)
                    settings[k] = byDataset.TryGetPropertyValue(dataset, out var chosen) ? chosen?.DeepClone()
                        : throw new InputException($"{where}: setting '{k}' names {string.Join(", ", byDataset.Select(p => p.Key))} but the study runs on {dataset}");
                else settings[k] = v?.DeepClone();
            }
            conditions.Add(c with { Levels = levels, LevelsByDataset = null, Settings = settings });
        }
        return this with { Dataset = dataset, Conditions = conditions };
    }

    /// <summary>Field readers that name the key and the reason on failure.</summary>
    private sealed class Reader(string source)
    {
        private InputException Bad(string key, string why) => new($"{source}: '{key}' {why}");

        public void Keys(JsonObject o, string[] allowed, string prefix)
        {
            foreach (var (k, _) in o)
                if (!allowed.Contains(k))
                    throw new InputException($"{source}: unknown key '{prefix}{k}' (allowed: {string.Join(", ", allowed)})");
        }

        public string String(JsonObject o, string key, string dflt) =>
            o[key] is null ? dflt : o[key] is JsonValue v && v.TryGetValue(out string? s) && s.Length > 0 ? s : throw Bad(key, "must be a non-empty string");

        public string OneOf(JsonObject o, string key, string[] allowed, string dflt)
        {
            string s = String(o, key, dflt);
            return allowed.Contains(s) ? s : throw Bad(key, $"must be one of {string.Join(", ", allowed)}, not '{s}'");
        }

        /// <summary>auto, cifar10, mnist or an image folder (folder:PATH[,options]), checked here so a typo fails at once.</summary>
        public string Dataset(JsonObject o)
        {
            string s = String(o, "dataset", "auto");
            if (!FolderSpec.IsFolder(s)) return OneOf(o, "dataset", ["auto", "cifar10", "mnist"], "auto");
            try { return DataLocator.NormalizeName(s); }
            catch (InputException e) { throw Bad("dataset", e.Message); }
        }

        public int Int(JsonObject o, string key, int dflt, int min)
        {
            if (o[key] is null) return dflt;
            if (o[key] is JsonValue v && v.TryGetValue(out double d) && d == Math.Floor(d) && d >= min && d <= int.MaxValue) return (int)d;
            throw Bad(key, $"must be an integer ≥ {min}");
        }

        public bool Bool(JsonObject o, string key, bool dflt) =>
            o[key] is null ? dflt : o[key] is JsonValue v && v.TryGetValue(out bool b) ? b : throw Bad(key, "must be true or false");

        public ulong[] Seeds(JsonObject o)
        {
            if (o["seeds"] is null) return [0];
            if (o["seeds"] is not JsonArray a || a.Count == 0) throw Bad("seeds", "must be a non-empty array of integers ≥ 0");
            return a.Select(n => n is JsonValue v && v.TryGetValue(out double d) && d >= 0 && d == Math.Floor(d) ? (ulong)d
                : throw Bad("seeds", "must be a non-empty array of integers ≥ 0")).Distinct().ToArray();
        }

        /// <summary>A scalar as its invariant string (numbers, booleans, strings).</summary>
        public string Scalar(JsonNode? n, string key)
        {
            if (n is JsonValue v)
            {
                if (v.TryGetValue(out string? s)) return s;
                if (v.TryGetValue(out bool b)) return b ? "true" : "false";
                if (v.TryGetValue(out double d)) return d.ToString("R", CultureInfo.InvariantCulture);
            }
            throw Bad(key, "must be a number, a string or a boolean");
        }

        /// <summary>A scalar or a non-empty array of scalars.</summary>
        public string[] Values(JsonNode? n, string key) => n switch
        {
            JsonArray a when a.Count > 0 => a.Select(x => Scalar(x, key)).ToArray(),
            JsonArray => throw Bad(key, "must not be an empty list"),
            _ => [Scalar(n, key)],
        };

        public IReadOnlyDictionary<string, string> FlatStrings(JsonNode? n, string key)
        {
            if (n is null) return new Dictionary<string, string>();
            if (n is not JsonObject o) throw Bad(key, "must be an object");
            return o.ToDictionary(kv => kv.Key, kv => Scalar(kv.Value, $"{key}.{kv.Key}"));
        }

        public IReadOnlyDictionary<string, string> Training(JsonNode? n, string key)
        {
            var d = FlatStrings(n, key);
            foreach (var k in d.Keys)
                if (!TrainingKeys.Contains(k)) throw new InputException($"{source}: unknown key '{key}.{k}' (allowed: {string.Join(", ", TrainingKeys)})");
            return d;
        }

        public List<ModelEntry> Models(JsonObject o)
        {
            if (o["models"] is not JsonArray a || a.Count == 0) throw Bad("models", "must be a non-empty array");
            var list = new List<ModelEntry>();
            for (int i = 0; i < a.Count; i++)
            {
                string where = $"models[{i}]";
                if (a[i] is not JsonObject m) throw Bad(where, "must be an object");
                Keys(m, ["family", "grid", "training_grid", "spec", "weights", "name"], where + ".");
                bool family = m["family"] != null, file = m["spec"] != null || m["weights"] != null;
                if (family == file) throw Bad(where, "needs either 'family' (with an optional 'grid') or 'spec' and 'weights'");
                var tg = Grid(m["training_grid"], where + ".training_grid");
                foreach (var (k, _) in tg)
                    if (!TrainingKeys.Contains(k)) throw new InputException($"{source}: unknown key '{where}.training_grid.{k}' (allowed: {string.Join(", ", TrainingKeys)})");
                if (family)
                {
                    string f = String(m, "family", "");
                    if (!Nn.ModelFamilies.Names.Contains(f))
                        throw Bad(where + ".family", $"'{f}' is not a family (known: {string.Join(", ", Nn.ModelFamilies.Names)})");
                    list.Add(new ModelEntry { Family = f, Grid = Grid(m["grid"], where + ".grid"), TrainingGrid = tg, Name = m["name"] is null ? null : String(m, "name", "") });
                }
                else
                {
                    if (m["spec"] is null || m["weights"] is null) throw Bad(where, "needs both 'spec' and 'weights'");
                    if (tg.Count > 0 || m["grid"] != null) throw Bad(where, "a loaded model has no grid");
                    list.Add(new ModelEntry { Spec = String(m, "spec", ""), Weights = String(m, "weights", ""), Name = m["name"] is null ? null : String(m, "name", "") });
                }
            }
            return list;
        }

        private List<(string, string[])> Grid(JsonNode? n, string key)
        {
            if (n is null) return [];
            if (n is not JsonObject o) throw Bad(key, "must be an object of hyperparameter → list of values");
            return o.Select(kv => (kv.Key, Values(kv.Value, $"{key}.{kv.Key}"))).ToList();
        }

        public List<ConditionEntry> Conditions(JsonObject o)
        {
            if (o["conditions"] is not JsonArray a || a.Count == 0) throw Bad("conditions", "must be a non-empty array");
            var list = new List<ConditionEntry>();
            for (int i = 0; i < a.Count; i++)
            {
                string where = $"conditions[{i}]";
                if (a[i] is not JsonObject c) throw Bad(where, "must be an object");
                string type = OneOf(c, "type", ConditionTypes, "");
                switch (type)
                {
                    case "clean":
                        Keys(c, ["type"], where + ".");
                        list.Add(new ConditionEntry { Type = type });
                        break;
                    case "noise":
                        Keys(c, ["type", "sigma"], where + ".");
                        var (sigmas, sigmaMap) = DatasetLevels(c["sigma"], where + ".sigma", 0);
                        list.Add(new ConditionEntry { Type = type, Name = "gaussian", Levels = sigmas, LevelsByDataset = sigmaMap });
                        break;
                    case "attack":
                    {
                        string name = String(c, "attack", "");
                        var settings = c.Where(kv => kv.Key is not ("type" or "attack" or "eps")).ToDictionary(kv => kv.Key, kv => kv.Value?.DeepClone());
                        foreach (var k in settings.Keys)
                            if (!AttackSettingKeys.Contains(k))
                                throw new InputException($"{source}: unknown key '{where}.{k}' (allowed: type, attack, eps, {string.Join(", ", AttackSettingKeys)})");
                        var (eps, epsMap) = DatasetLevels(c["eps"], where + ".eps", 0);
                        list.Add(new ConditionEntry { Type = type, Name = name, Levels = eps, LevelsByDataset = epsMap, Settings = settings });
                        break;
                    }
                    case "shift":
                    {
                        Keys(c, ["type", "shift", "severity"], where + ".");
                        string name = String(c, "shift", "");
                        if (name is not ("all" or "benchmark") && !Shifts.Generation.Corruptions.TryGet(name, out _))
                            throw Bad(where + ".shift", $"'{name}' is not a corruption (use all, benchmark, or one of {string.Join(", ", Shifts.Generation.Corruptions.Names)})");
                        double[] severities = c["severity"] is null ? [1, 2, 3, 4, 5] : Levels(c["severity"], where + ".severity", 1);
                        if (severities.Any(v => v > 5 || v != Math.Floor(v))) throw Bad(where + ".severity", "must be integers from 1 to 5");
                        list.Add(new ConditionEntry { Type = type, Name = name, Levels = severities });
                        break;
                    }
                }
            }
            return list;
        }

        private double[] Levels(JsonNode? n, string key, double min)
        {
            if (n is null) throw Bad(key, "is required");
            if (n is JsonObject) throw Bad(key, "must be a number or a list (a map by data set is allowed for attack ε and noise σ only)");
            var vals = Values(n, key).Select(s => LevelValue.TryParse(s, out double d) && d >= min
                ? d : throw Bad(key, $"must be numbers ≥ {min} (or fractions such as \"8/255\"), got '{s}'")).ToArray();
            return vals;
        }

        /// <summary>A list of levels, or a map from data set to its list (the customary ε differ between MNIST and CIFAR-10).</summary>
        public (double[] Levels, IReadOnlyDictionary<string, double[]>? ByDataset) DatasetLevels(JsonNode? n, string key, double min)
        {
            if (n is not JsonObject o) return (Levels(n, key, min), null);
            if (o.Count == 0) throw Bad(key, "must not be an empty map");
            var map = new Dictionary<string, double[]>();
            foreach (var (ds, list) in o)
            {
                if (ds is not ("cifar10" or "mnist")) throw Bad($"{key}.{ds}", "is not a data set (use cifar10 or mnist)");
                map[ds] = Levels(list, $"{key}.{ds}", min);
            }
            return (map.TryGetValue("cifar10", out var c) ? c : map.First().Value, map);
        }

        public string[] Measures(JsonObject o)
        {
            if (o["measures"] is null) return MeasureGroups;
            var v = Values(o["measures"], "measures");
            if (v.Length == 1 && v[0] == "all") return MeasureGroups;
            if (v.Length == 1 && v[0] == "none") return [];
            foreach (var g in v)
                if (!MeasureGroups.Contains(g)) throw Bad("measures", $"'{g}' is not a measure group (use all, none, or of {string.Join(", ", MeasureGroups)})");
            return v.Distinct().ToArray();
        }
    }

    /// <summary>Attack settings a condition may carry (passed to the attack's options).</summary>
    public static readonly string[] AttackSettingKeys =
        ["alpha", "steps", "restarts", "random_start", "early_stop", "all_samples", "overshoot", "confidence", "binary_search_steps", "learning_rate", "target", "version", "target_classes"];
}
