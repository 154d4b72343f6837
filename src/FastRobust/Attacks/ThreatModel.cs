namespace FastRobust.Attacks;

/// <summary>The norm whose ε-ball bounds an attack's perturbation.</summary>
public enum ThreatNorm
{
    /// <summary>Number of pixel positions (H·W, any channel) that changed.</summary>
    L0,
    L1,
    L2,
    Linf,

    /// <summary>No bound: Gaussian noise.</summary>
    None,
}

/// <summary>Untargeted (leave the true class), or which class a targeted attack aims at.</summary>
public enum TargetMode
{
    /// <summary>Success: the prediction differs from the label.</summary>
    None,

    /// <summary>A target the caller gives: one class for every sample, or one per sample.</summary>
    Given,

    /// <summary>A class drawn uniformly among those other than the label (Philox, keyed by the sample's index).</summary>
    Random,

    /// <summary>The class with the lowest clean logit (first on ties).</summary>
    LeastLikely,
}
