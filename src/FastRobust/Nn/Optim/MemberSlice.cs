namespace FastRobust.Nn.Optim;

/// <summary>
/// Member <see cref="Member"/> of <see cref="Members"/>: the contiguous block of an ensemble parameter [E, ...] that
/// belongs to one member. <see cref="All"/> is the whole tensor.
/// </summary>
public readonly record struct MemberSlice(int Member, int Members)
{
    public static readonly MemberSlice All = new(0, 1);

    /// <summary>The member's elements of a tensor of <paramref name="count"/> elements: (offset, length).</summary>
    public (long Offset, long Length) Range(long count)
    {
        if (Members < 1 || Member < 0 || Member >= Members || count % Members != 0)
            throw new InvalidOperationException($"member {Member} of {Members} does not divide a tensor of {count} elements");
        long per = count / Members;
        return (Member * per, per);
    }
}
