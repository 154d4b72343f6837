using FastRobust.Random;

namespace FastRobust.Nn;

/// <summary>How a forward pass runs: training mode (batch statistics, dropout) and the dropout stream.</summary>
public sealed record ForwardContext(bool Training, PhiloxStream? Rng)
{
    public static readonly ForwardContext Eval = new(false, null);
}
