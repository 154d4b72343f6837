using FastRobust.Shifts.Generation;
using FastRobust.Tables;

namespace FastRobust.Shifts.Evaluation;

/// <summary>
/// The scores of Hendrycks &amp; Dietterich (2019), per corruption set (generated or released). With E the error rate:
/// mean corruption accuracy (mCA) averages accuracy over corruptions and severities; the corruption error of a
/// corruption is CE = Σₛ E(model) / Σₛ E(baseline), and mCE averages it; the relative CE is
/// Σₛ (E(model) − E_clean(model)) / Σₛ (E(baseline) − E_clean(baseline)), and relative mCE averages it. The paper
/// normalises by AlexNet; here the baseline is whichever model the user names. mCA, mCE and relative mCE average
/// over the 15 benchmark corruptions present (the paper's set; the 4 held-out ones are reported per corruption and
/// in mca_all); if none of the 15 were evaluated they average over those that were.
/// </summary>
public static class CorruptionScores
{
    public static List<ShiftScore> Compute(IReadOnlyList<ShiftEvaluation> model, IReadOnlyList<ShiftEvaluation>? baseline = null)
    {
        var scores = new List<ShiftScore>();
        var clean = model.FirstOrDefault(e => e.Shift == "clean");
        var baseClean = baseline?.FirstOrDefault(e => e.Shift == "clean");
        if (clean != null) scores.Add(new ShiftScore("clean", "clean_accuracy", "", clean.Accuracy, 1));
        foreach (var natural in model.Where(e => !e.IsCorruption && e.Shift != "clean"))
            scores.Add(new ShiftScore(natural.Shift, "accuracy", "", natural.Accuracy, 1));
        foreach (var group in model.Where(e => e.IsCorruption).GroupBy(e => e.Shift))
        {
            var byCorruption = group.GroupBy(e => e.Corruption).ToList();
            var ce = new Dictionary<string, double?>();
            var rce = new Dictionary<string, double?>();
            foreach (var c in byCorruption)
            {
                var rows = c.OrderBy(e => e.Severity).ToList();
                scores.Add(new ShiftScore(group.Key, "mean_accuracy", c.Key, rows.Average(e => e.Accuracy), rows.Count));
                if (baseline == null) continue;
                var b = rows.Select(e => baseline.FirstOrDefault(x => x.Shift == e.Shift && x.Corruption == e.Corruption && x.Severity == e.Severity)).ToList();
                if (b.Any(x => x == null)) continue;
                double num = rows.Sum(e => e.Error), den = b.Sum(x => x!.Error);
                ce[c.Key] = den > 0 ? num / den : null;
                scores.Add(new ShiftScore(group.Key, "ce", c.Key, ce[c.Key], rows.Count));
                if (clean != null && baseClean != null)
                {
                    double rnum = rows.Sum(e => e.Error - clean.Error), rden = b.Sum(x => x!.Error - baseClean.Error);
                    rce[c.Key] = rden > 0 ? rnum / rden : null;
                    scores.Add(new ShiftScore(group.Key, "relative_ce", c.Key, rce[c.Key], rows.Count));
                }
            }
            var names = byCorruption.Select(c => c.Key).ToList();
            var summary = names.Where(n => Corruptions.TryGet(n, out var k) && k.Benchmark).ToList();
            if (summary.Count == 0) summary = names;
            var inSummary = group.Where(e => summary.Contains(e.Corruption)).ToList();
            scores.Add(new ShiftScore(group.Key, "mca", "", inSummary.Average(e => e.Accuracy), summary.Count));
            scores.Add(new ShiftScore(group.Key, "mca_all", "", group.Average(e => e.Accuracy), names.Count));
            if (baseline != null && summary.All(ce.ContainsKey))
            {
                scores.Add(new ShiftScore(group.Key, "mce", "", Mean(summary.Select(n => ce[n])), summary.Count));
                if (summary.All(rce.ContainsKey))
                    scores.Add(new ShiftScore(group.Key, "relative_mce", "", Mean(summary.Select(n => rce[n])), summary.Count));
            }
        }
        return scores;
    }

    private static double? Mean(IEnumerable<double?> values)
    {
        var list = values.ToList();
        return list.Any(v => v == null) ? null : list.Average(v => v!.Value);
    }

    /// <summary>One row per score: model, baseline, shift, metric, corruption, value, count.</summary>
    public static Table ToTable(string model, string? baseline, IReadOnlyList<ShiftScore> scores) => new Table()
        .Add("model", scores.Select(_ => (string?)model).ToArray())
        .Add("baseline", scores.Select(_ => baseline).ToArray())
        .Add("shift", scores.Select(s => (string?)s.Shift).ToArray())
        .Add("metric", scores.Select(s => (string?)s.Metric).ToArray())
        .Add("corruption", scores.Select(s => s.Corruption.Length > 0 ? s.Corruption : null).ToArray())
        .Add("value", scores.Select(s => s.Value).ToArray())
        .Add("count", scores.Select(s => (long)s.Count).ToArray());
}
