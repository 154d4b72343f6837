namespace FastRobust.Study;

/// <summary>
/// One model under one condition at one level, with the clean figures on the very same images, so every
/// robustness notion compares like with like.
/// </summary>
public sealed record ConditionResult
{
    public required string Condition { get; init; }
    public required string Kind { get; init; }
    /// <summary>ε, σ or severity; null for clean.</summary>
    public double? Level { get; init; }
    /// <summary>ε in 255ths of the pixel range, for L∞ attacks; null otherwise.</summary>
    public double? Eps255 { get; init; }
    public required string Options { get; init; }
    public required int Images { get; init; }
    public required double Accuracy { get; init; }
    public required double LogLoss { get; init; }
    public required double MeanConfidence { get; init; }
    public required double CleanAccuracy { get; init; }
    public required double CleanLogLoss { get; init; }
    /// <summary>Attacks: fraction of attacked samples that were fooled; mean and median perturbation norms of those.</summary>
    public double? SuccessRate { get; init; }
    public double? MeanL2 { get; init; }
    public double? MedianL2 { get; init; }
    public double? MeanLinf { get; init; }

    /// <summary>acc_clean − acc: the plain accuracy gap.</summary>
    public double AccuracyGap => CleanAccuracy - Accuracy;

    /// <summary>(acc_clean − acc) / acc_clean: relative robustness in accuracy (the proportional drop).</summary>
    public double RelativeAccuracyDrop => CleanAccuracy > 0 ? (CleanAccuracy - Accuracy) / CleanAccuracy : double.NaN;

    /// <summary>log-loss − log-loss_clean: uncertainty robustness (how much less certain of the truth the model gets).</summary>
    public double LogLossGap => LogLoss - CleanLogLoss;

    /// <summary>(log-loss − log-loss_clean) / log-loss_clean: relative robustness in certainty.</summary>
    public double RelativeLogLossIncrease => CleanLogLoss > 0 ? (LogLoss - CleanLogLoss) / CleanLogLoss : double.NaN;

    /// <summary>The notions correlated with the measures, by column name.</summary>
    public static readonly string[] Notions = ["accuracy_gap", "relative_accuracy_drop", "log_loss_gap", "relative_log_loss_increase"];
}
