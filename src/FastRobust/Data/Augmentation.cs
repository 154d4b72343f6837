namespace FastRobust.Data;

/// <summary>
/// Training-time augmentation: a random crop of the image padded with <paramref name="Pad"/> zeros on each side
/// (a shift of −Pad..Pad pixels in each direction) and, when <paramref name="Flip"/>, a horizontal flip with
/// probability ½. Runs on the device that holds the batch.
/// </summary>
public sealed record Augmentation(int Pad, bool Flip)
{
    /// <summary>The usual CIFAR-10 recipe: pad 4, crop 32, flip.</summary>
    public static Augmentation Standard { get; } = new(4, true);
}
