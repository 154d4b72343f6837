using FastRobust.Random;

namespace FastRobust.Nn;

/// <summary>How a forward pass runs: training mode (batch statistics, dropout) and the dropout stream.</summary>
public sealed record ForwardContext(bool Training, PhiloxStream? Rng)
{
    public static readonly ForwardContext Eval = new(false, null);

    /// <summary>
    /// When E &gt; 1, the E members of an ensemble share each dropout mask, the one a single model draws from the same
    /// stream: members trained together as a zoo then match each member trained alone with that seed.
    /// </summary>
    public int SharedDropoutMembers { get; init; } = 1;
}
