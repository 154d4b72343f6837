using FastRobust.Study;
using FastRobust.Tables;

namespace FastRobust.Tests.StudyTests.Reporting;

/// <summary>
/// A study directory written directly in the study's table schema, with accuracies given by a formula, so every
/// number the report shows is known in advance: six models (two standard, three PGD-trained at ε 0.1 and 0.2, one
/// noise-trained at σ 0.3), evaluated clean, under FGSM at ε 0.05 and 0.1 and PGD at 0.1, under Gaussian noise σ 0.3
/// and under two corruptions at severities 1 and 3; three measures; the correlations computed by the study's own code.
/// </summary>
internal static class SyntheticStudy
{
    public static readonly string[] Ids = ["m0", "m1", "m2", "m3", "m4", "m5"];
    public static readonly double[] Clean = [0.90, 0.85, 0.80, 0.78, 0.70, 0.88];
    public static readonly string[] Adversarial = ["none", "none", "pgd", "pgd", "pgd", "none"];
    public static readonly double[] TrainEps = [0, 0, 0.1, 0.1, 0.2, 0];
    public static readonly double[] NoiseSigma = [0, 0, 0, 0, 0, 0.3];
    public static readonly int[] Width = [8, 16, 8, 16, 8, 8];

    public static readonly (string Condition, string Kind, double Level)[] Conditions =
    [
        ("fgsm", "attack", 0.05), ("fgsm", "attack", 0.1), ("pgd", "attack", 0.1), ("gaussian", "noise", 0.3),
        ("gaussian_noise", "shift", 1), ("gaussian_noise", "shift", 3), ("contrast", "shift", 1), ("contrast", "shift", 3),
    ];

    /// <summary>Robustness grows with the training ε: model i keeps this share of its clean accuracy per unit of level.</summary>
    public static double Accuracy(int model, string kind, double level)
    {
        double hardness = 1.5 - 4 * TrainEps[model] - NoiseSigma[model];
        double loss = kind == "shift" ? 0.05 * level * (1 + model % 2) : hardness * level * (kind == "noise" ? 0.5 : 3);
        return Clean[model] * Math.Clamp(1 - loss, 0, 1);
    }

    /// <summary>The clean accuracy on the attacked subset, a little below the full set's, as in a real study.</summary>
    public static double SubsetClean(int model) => Clean[model] - 0.01;

    public static double LogLoss(double accuracy) => 2.3 * (1 - accuracy) + 0.1;

    /// <summary>Measure values: <c>norm_a</c> rises with the model index, <c>norm_b</c> a fixed permutation, <c>margin</c> falls with the training ε.</summary>
    public static readonly Dictionary<string, double[]> Measures = new()
    {
        ["norm_a"] = [1, 2, 3, 4, 5, 6],
        ["norm_b"] = [3, 1, 6, 2, 5, 4],
        ["margin"] = [0.5, 0.45, 1.2, 1.1, 2.0, 0.7],
    };

    public static void Write(string dir)
    {
        Directory.CreateDirectory(dir);
        int n = Ids.Length;
        var models = new Table()
            .Add("model", Ids.Select(s => (string?)s).ToArray())
            .Add("index", Enumerable.Range(0, n).Select(i => (long)i).ToArray())
            .Add("family", Ids.Select(_ => (string?)"custom-cnn").ToArray())
            .Add("source", Ids.Select(_ => (string?)"trained").ToArray())
            .Add("architecture", Width.Select(w => (string?)$"custom-cnn:depth=1,width={w}").ToArray())
            .Add("seed", Ids.Select(_ => 0L).ToArray())
            .Add("parameters", Width.Select(w => (long)w * 1000).ToArray())
            .Add("test_accuracy", Clean.Select(c => (double?)c).ToArray())
            .Add("hp_width", Width.Select(w => (string?)w.ToString()).ToArray())
            .Add("adversarial", Adversarial.Select(a => (string?)a).ToArray())
            .Add("train_eps", TrainEps)
            .Add("noise_sigma", NoiseSigma)
            .Add("train_steps", Adversarial.Select(a => a == "pgd" ? 5L : 0L).ToArray());
        models.Write(Path.Combine(dir, "models.parquet"));

        var rows = new List<(string Model, string Condition, string Kind, double? Level, double Acc, double Clean)>();
        for (int i = 0; i < n; i++)
        {
            rows.Add((Ids[i], "clean", "clean", null, Clean[i], Clean[i]));
            foreach (var (cond, kind, level) in Conditions) rows.Add((Ids[i], cond, kind, level, Accuracy(i, kind, level), SubsetClean(i)));
        }
        double Gap(int r) => rows[r].Clean - rows[r].Acc;
        var range = Enumerable.Range(0, rows.Count).ToList();
        var evals = new Table()
            .Add("model", rows.Select(r => (string?)r.Model).ToArray())
            .Add("condition", rows.Select(r => (string?)r.Condition).ToArray())
            .Add("kind", rows.Select(r => (string?)r.Kind).ToArray())
            .Add("level", rows.Select(r => r.Level).ToArray())
            .Add("images", rows.Select(_ => 100L).ToArray())
            .Add("accuracy", rows.Select(r => (double?)r.Acc).ToArray())
            .Add("log_loss", rows.Select(r => (double?)LogLoss(r.Acc)).ToArray())
            .Add("clean_accuracy", rows.Select(r => (double?)r.Clean).ToArray())
            .Add("clean_log_loss", rows.Select(r => (double?)LogLoss(r.Clean)).ToArray())
            .Add("accuracy_gap", range.Select(r => (double?)Gap(r)).ToArray())
            .Add("relative_accuracy_drop", range.Select(r => (double?)(Gap(r) / rows[r].Clean)).ToArray())
            .Add("log_loss_gap", range.Select(r => (double?)(LogLoss(rows[r].Acc) - LogLoss(rows[r].Clean))).ToArray())
            .Add("relative_log_loss_increase", range.Select(r => (double?)((LogLoss(rows[r].Acc) - LogLoss(rows[r].Clean)) / LogLoss(rows[r].Clean))).ToArray());
        evals.Write(Path.Combine(dir, "evaluations.parquet"));

        var mRows = Measures.SelectMany(kv => Enumerable.Range(0, n).Select(i => (Model: Ids[i], Name: kv.Key, Value: kv.Value[i]))).ToList();
        var measures = new Table()
            .Add("model", mRows.Select(r => (string?)r.Model).ToArray())
            .Add("measure", mRows.Select(r => (string?)r.Name).ToArray())
            .Add("value", mRows.Select(r => (double?)r.Value).ToArray())
            .Add("group", mRows.Select(_ => (string?)"norms").ToArray());
        measures.Write(Path.Combine(dir, "measures.parquet"));
        Correlations.Compute(models, evals, measures).Write(Path.Combine(dir, "correlations.parquet"));
    }

    /// <summary>The figures the report draws for this study: 2 attack + 1 noise curves, the trade-off, the heatmap,
    /// 4 notions × 3 measures, 2 shift figures, 2 robust-training (one per attack) + 1 noise-training.</summary>
    public const int ExpectedFigures = 3 + 1 + 1 + 12 + 2 + 3;
}
