namespace FastRobust.Bench;

/// <summary>What one invocation of a benchmark does: floating-point operations and images processed.</summary>
public readonly record struct Work(double Flops, double Images)
{
    public static Work None => new(double.NaN, double.NaN);
}

/// <summary>
/// A benchmark class that can say, from its parameters alone (no device needed), how much work each of its
/// methods does per invocation. The <see cref="WorkloadDiagnoser"/> turns that into GFLOP/s and img/s.
/// </summary>
public interface IHasWork
{
    Work WorkOf(string method);
}
