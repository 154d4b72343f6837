namespace FastRobust.Study;

/// <summary>
/// Which units each of N shards runs, chosen by estimated cost: greedy longest-processing-time (the costliest unit
/// not yet placed goes to the shard with the least work so far). Deterministic: ties between equal costs go to the
/// earlier unit, ties between equally loaded shards to the lower shard number. Its longest shard is at most 4/3 of
/// the best possible split (Graham 1969), where round-robin can put every large model on one shard.
/// </summary>
public sealed class ShardBalance
{
    /// <summary>Units[s] holds the unit indices of shard s + 1, ascending.</summary>
    public IReadOnlyList<IReadOnlyList<int>> Units { get; }
    /// <summary>Loads[s]: the summed estimated cost of shard s + 1.</summary>
    public IReadOnlyList<double> Loads { get; }

    private ShardBalance(IReadOnlyList<IReadOnlyList<int>> units, IReadOnlyList<double> loads) => (Units, Loads) = (units, loads);

    /// <summary>The longest shard over the mean shard (1 is a perfect split).</summary>
    public double MaxOverMean => Loads.Average() > 0 ? Loads.Max() / Loads.Average() : 1;

    public static ShardBalance Assign(IReadOnlyList<double> costs, int shards)
    {
        if (shards < 1) throw new ArgumentOutOfRangeException(nameof(shards));
        var order = Enumerable.Range(0, costs.Count).OrderByDescending(i => costs[i]).ThenBy(i => i);
        var units = Enumerable.Range(0, shards).Select(_ => new List<int>()).ToArray();
        var loads = new double[shards];
        foreach (int i in order)
        {
            int least = 0;
            for (int s = 1; s < shards; s++)
                if (loads[s] < loads[least]) least = s;
            units[least].Add(i);
            loads[least] += costs[i];
        }
        foreach (var u in units) u.Sort();
        return new ShardBalance(units, loads);
    }

    /// <summary>Every N-th unit, starting at shard 1 with unit 0: the assignment of studies sharded before balancing.</summary>
    public static ShardBalance RoundRobin(IReadOnlyList<double> costs, int shards)
    {
        var units = Enumerable.Range(0, shards).Select(s => (IReadOnlyList<int>)Enumerable.Range(0, costs.Count).Where(i => i % shards == s).ToList()).ToList();
        return FromUnits(units, costs);
    }

    /// <summary>An assignment given as unit indices per shard (e.g. as recorded in the shard directories), with its loads.</summary>
    public static ShardBalance FromUnits(IReadOnlyList<IReadOnlyList<int>> units, IReadOnlyList<double> costs) =>
        new(units, units.Select(u => u.Sum(i => costs[i])).ToList());

    /// <summary>One line for the log: the longest shard against the mean.</summary>
    public string Describe() =>
        $"{Units.Count} shards of {Units.Min(u => u.Count)}-{Units.Max(u => u.Count)} models; estimated work of the longest shard / mean: {MaxOverMean:F3}";
}
