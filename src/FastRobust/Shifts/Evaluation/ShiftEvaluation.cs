namespace FastRobust.Shifts.Evaluation;

/// <summary>
/// One model on one evaluation condition: the clean test set, a corruption at a severity (generated or read from a
/// CIFAR-10-C-like folder), or a natural shift such as CIFAR-10.1.
/// </summary>
/// <param name="Shift">"clean", "generated" (corruptions made here), "cifar10-c" (the released set), "cifar10.1", or a folder's name.</param>
/// <param name="Corruption">The corruption's file name; empty for clean and natural shifts.</param>
/// <param name="Severity">1–5; 0 where there is none.</param>
public sealed record ShiftEvaluation(string Shift, string Corruption, int Severity, int N, long Correct, double Loss)
{
    public double Accuracy => N == 0 ? double.NaN : (double)Correct / N;
    public double Error => 1 - Accuracy;
    public bool IsCorruption => Corruption.Length > 0;
}

/// <summary>A condition to evaluate; its images are made or read only when it is evaluated.</summary>
public sealed record ShiftCondition(string Shift, string Corruption, int Severity, Func<Data.Dataset> Load)
{
    public override string ToString() => Corruption.Length > 0 ? $"{Shift}/{Corruption}/{Severity}" : Shift;
}

/// <summary>A summary score of one model, optionally relative to a baseline model.</summary>
/// <param name="Metric">clean_accuracy, accuracy (natural shifts), mean_accuracy (per corruption, over severities),
/// ce, relative_ce (per corruption), mca, mca_all, mce, relative_mce.</param>
/// <param name="Corruption">The corruption for per-corruption metrics; empty otherwise.</param>
/// <param name="Count">How many corruptions (or severities) the value averages.</param>
public sealed record ShiftScore(string Shift, string Metric, string Corruption, double? Value, int Count);
