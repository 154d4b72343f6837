using System.Globalization;
using System.Text;
using FastRobust.Tables;
using FastRobust.Util;

namespace FastRobust.Study;

/// <summary>
/// docs/findings.md: a study's tables set beside the three findings of study 000 (a benchmark of robustness
/// measures). Each finding names measures and a notion of robustness; for each measure and each group of conditions
/// (each attack at its largest ε, Gaussian noise at its largest σ, and the corruptions averaged over all of them and
/// their severities) it gives Kendall's τ across the models with its 95 % interval (<see cref="RankCorrelation.KendallWilson"/>),
/// the number of models and the conditional mutual information score (<see cref="ConditionalMutualInformation"/>), and
/// says where the finding holds: |τ| ≥ 0.3 (moderate, the seed's word) with an interval that excludes 0.
/// </summary>
public static class SeedFindings
{
    /// <summary>|τ| from which a correlation counts as moderate (Jiang et al. and the seed call 0.3–0.5 moderate).</summary>
    public const double Moderate = 0.3;

    public sealed record Finding(string Title, string Claim, string[] Notions, Func<string, string, bool> Measure, bool AttacksOnly);

    public static readonly Finding[] Findings =
    [
        new("1. In-distribution performance and weight norms over the margin predict relative robustness",
            "\"In-distribution performance and model weight norms over margin moderately predict relative robustness.\"",
            ["relative_accuracy_drop", "relative_log_loss_increase"],
            (name, group) => (group == "performance" && name is "accuracy" or "log_loss" or "macro_f1")
                             || name.EndsWith("_over_margin", StringComparison.Ordinal), false),
        new("2. Margin and entropy correlate with uncertainty robustness",
            "\"Margin and entropy are moderately correlated with uncertainty robustness.\"",
            ["log_loss_gap"],
            (name, _) => name is "margin_mean" or "margin_p10" or "inverse_margin" or "mean_entropy", false),
        new("3. Sharpness predicts relative robustness to adversarial attacks",
            "\"Sharpness moderately predicts relative robustness to adversarial attacks.\"",
            ["relative_accuracy_drop", "relative_log_loss_increase"],
            (_, group) => group == "sharpness", true),
    ];

    /// <summary>One group of conditions: a name, and per model the notion's value (a mean over the group's rows).</summary>
    private sealed record Group(string Name, bool Attack, Func<int, bool> Rows);

    public static string Write(string dir, string command)
    {
        // the finished units' own parts (so a study still running can be read: its combined tables come at the end),
        // else the combined tables (a merged directory)
        var done = Directory.Exists(Path.Combine(dir, "units"))
            ? Directory.GetDirectories(Path.Combine(dir, "units")).Where(u => File.Exists(Path.Combine(u, "done.json"))).OrderBy(u => u, StringComparer.Ordinal).ToList()
            : [];
        Table Read(string name)
        {
            if (done.Count > 0)
                return Table.Concat(done.Select(u => Path.Combine(u, name + ".parquet")).Where(File.Exists).Select(Table.Read).ToList());
            string path = Path.Combine(dir, name + ".parquet");
            return File.Exists(path) ? Table.Read(path) : throw new InputException($"{dir}: no {name}.parquet and no finished units (run a study into this directory first)");
        }
        var models = Read("models");
        var evals = Read("evaluations");
        var measures = Read("measures");
        var ids = models.Strings("model").Select(s => s!).ToList();
        var configs = ids.Select((_, i) => (IReadOnlyDictionary<string, string>)models.ColumnNames.Where(c => c.StartsWith("hp_", StringComparison.Ordinal))
            .ToDictionary(c => c[3..], c => models.Texts(c)[i] ?? "")).ToList();
        var axes = configs.Count == 0 ? [] : configs[0].Keys.Concat(configs.SelectMany(c => c.Keys)).Distinct()
            .Where(a => configs.Select(c => c.GetValueOrDefault(a, "")).Distinct().Count() > 1).ToList();
        var cmi = new ConditionalMutualInformation(configs, axes);

        var eModel = evals.Strings("model");
        var eCond = evals.Strings("condition");
        var eKind = evals.Strings("kind");
        var eLevel = (double?[])evals.Column("level");
        var groups = new List<Group>();
        var eps255 = evals.Has("eps_255") ? (double?[])evals.Column("eps_255") : new double?[evals.Rows];
        foreach (var (c, kind, level, e255) in Enumerable.Range(0, evals.Rows).Where(i => eKind[i] is "attack" or "noise")
                     .Select(i => (eCond[i]!, eKind[i]!, eLevel[i], eps255[i])).Distinct())
        {
            string label = kind == "noise" ? $"noise σ {G(level ?? 0)}" : e255 is double e ? $"{c} {G(e)}/255" : $"{c} {G(level ?? 0)}";
            groups.Add(new Group(label, kind == "attack", i => eCond[i] == c && eLevel[i] == level));
        }
        if (eKind.Any(k => k == "shift")) groups.Add(new Group("corruptions (mean)", false, i => eKind[i] == "shift"));

        var mModel = measures.Strings("model");
        var mName = measures.Strings("measure");
        var mGroup = measures.Strings("group");
        var mValue = measures.Doubles("value");
        var names = Enumerable.Range(0, measures.Rows).Where(i => Correlations.IsModelLevel(mName[i]!)).Select(i => (mName[i]!, mGroup[i]!)).Distinct().ToList();
        double Value(string measure, string model)
        {
            for (int i = 0; i < measures.Rows; i++) if (mName[i] == measure && mModel[i] == model) return mValue[i];
            return double.NaN;
        }

        var b = new StringBuilder();
        b.AppendLine("# Study 000's findings on this CPU");
        b.AppendLine();
        b.AppendLine($"Generated by `{command}` from the study's tables (docs/study.md), made by " +
                     "`./run.sh study --preset seed-000-cpu --out runs/seed-000-cpu` on a 2-core x86-64 CPU with no GPU (time and load: " +
                     "[bench/seed-000-cpu.md](../bench/seed-000-cpu.md)). Do not edit by hand: rerun the command.");
        b.AppendLine();
        var testAcc = models.Doubles("test_accuracy");
        b.AppendLine($"**The zoo:** {ids.Count} models ({string.Join(", ", models.Strings("family").GroupBy(f => f).Select(g => $"{g.Count()} {g.Key}"))}), " +
                     $"clean test accuracy {P(testAcc.Min())}–{P(testAcc.Max())} (median {P(Median(testAcc))}); hyperparameters that vary: {string.Join(", ", axes)}.");
        string studyJson = Path.Combine(dir, "study.json");
        if (File.Exists(studyJson))
        {
            int planned = StudyPlan.Expand(StudyFile.Parse(File.ReadAllText(studyJson), studyJson)).Count;
            if (planned > ids.Count)
                b.AppendLine().AppendLine($"**Partial:** {ids.Count} of the study's {planned} models had finished when this page was written; " +
                                          "rerun the command once the study is done.");
        }
        b.AppendLine();
        if (measures.Has("status"))
        {
            var status = measures.Strings("status");
            var searches = Enumerable.Range(0, measures.Rows).Where(i => status[i] != null && mName[i] is "pacbayes_sigma" or "pacbayes_mag_sigma" or "sharpness_alpha" or "sharpness_mag_alpha").ToList();
            b.AppendLine($"**Sharpness searches:** {searches.Count} searches, " +
                         string.Join(", ", searches.GroupBy(i => status[i]).OrderBy(g => g.Key).Select(g => $"{g.Count()} {g.Key}")) + ".");
        }
        b.AppendLine();
        b.AppendLine("**How to read the tables.** Each cell is Kendall's τ between the measure and the notion across the models, then its " +
                     "95 % interval (a Wilson score interval on the share of concordant pairs, docs/study.md). Every cell rests on " +
                     $"n = {ids.Count} models unless marked. **Bold**: moderate or stronger (|τ| ≥ {G(Moderate)}) with an interval that excludes 0. " +
                     "The sign is the direction: the notions are drops (larger = less robust), so a measure that predicts robustness " +
                     "correlates positively if it grows with fragility. The last column is the conditional mutual information score of " +
                     "Jiang et al. 2020 §5 (the minimum over conditioning on up to two hyperparameters, median over the condition groups): " +
                     "near 0, the agreement is explained by one or two hyperparameters both follow; near 1, the measure carries information of its own. " +
                     "For scale: two orderings that agree on 75 % of the pairs (τ = 0.5), with nothing to condition on, score 0.19; the scores " +
                     "Jiang et al. report on their zoo are mostly below 0.1.");
        b.AppendLine();
        foreach (var f in Findings)
        {
            b.AppendLine($"## {f.Title}");
            b.AppendLine();
            b.AppendLine($"Seed 000: {f.Claim}");
            b.AppendLine();
            var gs = groups.Where(g => !f.AttacksOnly || g.Attack).ToList();
            int support = 0, cells = 0;
            var bestCell = (Tau: 0.0, Text: "");
            foreach (string notion in f.Notions)
            {
                var nv = evals.Doubles(notion);
                var notionByGroup = gs.Select(g => ids.Select(id =>
                {
                    var rows = Enumerable.Range(0, evals.Rows).Where(i => eModel[i] == id && g.Rows(i) && !double.IsNaN(nv[i])).ToList();
                    return rows.Count == 0 ? double.NaN : rows.Average(i => nv[i]);
                }).ToArray()).ToList();
                b.AppendLine($"`{notion}`:");
                b.AppendLine();
                b.AppendLine("| measure | " + string.Join(" | ", gs.Select(g => g.Name)) + " | CMI |");
                b.AppendLine("|---|" + string.Concat(gs.Select(_ => "---|")) + "---|");
                foreach (var (name, group) in names.Where(m => f.Measure(m.Item1, m.Item2)))
                {
                    var mv = ids.Select(id => Value(name, id)).ToArray();
                    var cellText = new List<string>();
                    var cmis = new List<double>();
                    for (int g = 0; g < gs.Count; g++)
                    {
                        var keep = Enumerable.Range(0, ids.Count).Where(i => !double.IsNaN(mv[i]) && !double.IsNaN(notionByGroup[g][i])).ToList();
                        var x = keep.Select(i => mv[i]).ToList();
                        var y = keep.Select(i => notionByGroup[g][i]).ToList();
                        double tau = RankCorrelation.KendallTauB(x, y);
                        var (lo, hi) = RankCorrelation.KendallWilson(tau, keep.Count);
                        bool strong = Math.Abs(tau) >= Moderate && (lo > 0 || hi < 0);
                        cells++;
                        if (strong) support++;
                        string t = double.IsNaN(tau) ? "—" : $"{S(tau)} [{S(lo)}, {S(hi)}]" + (keep.Count != ids.Count ? $" n={keep.Count}" : "");
                        cellText.Add(strong ? $"**{t}**" : t);
                        if (!double.IsNaN(tau) && Math.Abs(tau) > Math.Abs(bestCell.Tau))
                            bestCell = (tau, $"{name} under {gs[g].Name} on `{notion}`: τ = {S(tau)} [{S(lo)}, {S(hi)}], n = {keep.Count}");
                        if (keep.Count == ids.Count) cmis.Add(cmi.Score(mv, notionByGroup[g]).Value);
                    }
                    b.AppendLine($"| {name} | {string.Join(" | ", cellText)} | {(cmis.Count == 0 ? "—" : Median(cmis.Where(double.IsFinite).DefaultIfEmpty(double.NaN).ToArray()).ToString("F2", CultureInfo.InvariantCulture))} |");
                }
                b.AppendLine();
            }
            double share = cells == 0 ? 0 : (double)support / cells;
            string verdict = share >= 0.5 ? "**Holds here** for most measure × condition pairs"
                : share >= 0.15 ? "**Holds here in part**" : share > 0 ? "**Mostly does not hold here**" : "**Does not hold here**";
            b.AppendLine($"{verdict}: {support} of {cells} cells ({100 * share:F0} %) are moderate or stronger with an interval that excludes 0. " +
                         (bestCell.Text.Length > 0 ? $"Strongest: {bestCell.Text}." : ""));
            b.AppendLine();
        }
        b.Append(Caveats);
        return b.ToString();
    }

    /// <summary>What the CPU scale changes, stated once under the tables.</summary>
    private const string Caveats = """
        ## What differs from study 000, and what that can change

        - **Scale.** 5,000 training images and 3 epochs instead of 30,000 and 20: the models are weaker (the seed's reach
          60–80 %), and under-trained models differ from each other mostly in how far training got. Measures that track
          training progress (accuracy, margins, norms) then correlate with robustness for that reason; the CMI column
          shows where a single hyperparameter (usually the learning rate or the optimizer) explains an agreement.
        - **Evaluation set.** 300 images per condition (the seed: a larger test set); a model's accuracy under a condition
          has a standard error of up to 2.9 points. τ's interval accounts for the number of models, not for this noise.
        - **Attacks.** FGSM, PGD and BIM at 8/255 take most of these undefended models to near 0 % accuracy, so the
          relative drop is near 1 for all of them and its ranking is mostly noise; the 2/255 levels and the L2 attacks
          (DeepFool, C&W), which leave the models apart, are the informative ones for finding 3.
        - **Sharpness.** The searches use 600 images and 5 Monte-Carlo samples; the status line above says how many
          converged. A search that ended depth-exhausted is still within the bracket's resolution of its answer.
        - **CIFAR-10.1** is not bundled, so the seed's natural-shift test set is missing; the CIFAR-10-C corruptions are
          generated here (docs/shifts.md).
        """;

    private static string G(double v) => v.ToString("G4", CultureInfo.InvariantCulture);
    private static string S(double v) => double.IsNaN(v) ? "—" : v.ToString("+0.00;-0.00;0.00", CultureInfo.InvariantCulture);
    private static string P(double v) => (v * 100).ToString("F1", CultureInfo.InvariantCulture) + " %";

    private static double Median(double[] v)
    {
        var s = v.Where(x => !double.IsNaN(x)).OrderBy(x => x).ToArray();
        return s.Length == 0 ? double.NaN : s.Length % 2 == 1 ? s[s.Length / 2] : (s[s.Length / 2 - 1] + s[s.Length / 2]) / 2;
    }
}
