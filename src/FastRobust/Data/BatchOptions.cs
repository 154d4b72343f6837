namespace FastRobust.Data;

/// <summary>How a <see cref="BatchLoader"/> walks its data set.</summary>
public sealed record BatchOptions
{
    /// <summary>Visit the images in a fresh random order each epoch (drawn from <see cref="Seed"/> and the epoch).</summary>
    public bool Shuffle { get; init; }

    /// <summary>Skip the last batch when it is smaller than the batch size.</summary>
    public bool DropLast { get; init; }

    public ulong Seed { get; init; }

    /// <summary>Crop/flip augmentation, or null for none (evaluation).</summary>
    public Augmentation? Augment { get; init; }

    /// <summary>In order, nothing dropped, no augmentation: for evaluation.</summary>
    public static BatchOptions Eval { get; } = new();
}
