using System.Globalization;
using FastRobust.Util;

namespace FastRobust.Nn;

/// <summary>
/// The memory budget of a model spec, checked when the spec is read, before anything is allocated: its parameters
/// (weights, gradients and two optimizer moments: 4 copies) plus the activations of one batch of
/// <see cref="BudgetBatch"/> samples, in float32. A spec over the limit is refused with its size; the limit is
/// 8 GiB, raised (or lowered) by the environment variable FASTROBUST_MAX_MODEL_MEMORY (bytes, or with a K, M, G
/// or T suffix).
/// </summary>
public static class ModelMemory
{
    public const string Variable = "FASTROBUST_MAX_MODEL_MEMORY";
    public const long DefaultLimit = 8L << 30;

    /// <summary>The batch the budget counts activations for (the CLI's default training batch).</summary>
    public const int BudgetBatch = 128;

    /// <summary>Bytes the spec is estimated to need for training with a batch of <see cref="BudgetBatch"/>.</summary>
    public static double Estimate(ModelSpec spec) => 4.0 * (4.0 * spec.ParameterCount + BudgetBatch * spec.ActivationsPerSample);

    public static void Check(ModelSpec spec)
    {
        long limit = Limit();
        double need = Estimate(spec);
        if (need > limit)
            throw new InputException($"the model needs about {Format(need)} ({spec.ParameterCount.ToString("N0", CultureInfo.InvariantCulture)} parameters, " +
                                     $"{Format(4.0 * BudgetBatch * spec.ActivationsPerSample)} of activations for a batch of {BudgetBatch}), over the limit of {Format(limit)}; " +
                                     $"set {Variable} (e.g. {Variable}=64G) to allow more");
    }

    /// <summary>The limit in bytes: the environment variable's, else <see cref="DefaultLimit"/>.</summary>
    public static long Limit()
    {
        string? text = Environment.GetEnvironmentVariable(Variable);
        if (string.IsNullOrWhiteSpace(text)) return DefaultLimit;
        return ParseSize(text) ?? throw new InputException($"{Variable}='{text}' is not a size (bytes, or a number with K, M, G or T, e.g. 16G)");
    }

    /// <summary>"16G", "512M", "1.5T", "1000000" → bytes; null when it is not a positive size.</summary>
    public static long? ParseSize(string text)
    {
        string s = text.Trim().TrimEnd('B', 'b');
        double scale = 1;
        if (s.Length > 0 && "KMGTkmgt".Contains(s[^1]))
        {
            scale = Math.Pow(1024, "KMGT".IndexOf(char.ToUpperInvariant(s[^1])) + 1);
            s = s[..^1];
        }
        if (!double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out double v) || !(v > 0)) return null;
        double bytes = v * scale;
        return bytes < long.MaxValue ? (long)bytes : long.MaxValue;
    }

    private static string Format(double bytes) =>
        bytes >= 1L << 30 ? FormattableString.Invariant($"{bytes / (1L << 30):F1} GiB") : FormattableString.Invariant($"{bytes / (1L << 20):F1} MiB");
}
