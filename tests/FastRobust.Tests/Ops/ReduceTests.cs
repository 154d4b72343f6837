using FastRobust.Autograd;
using FastRobust.Tensors;
using FastRobust.Tests.OpsTests.Reference;
using FastRobust.Tests.OpsTests.Support;
using Xunit;

namespace FastRobust.Tests.OpsTests;

/// <summary>Sum, Mean, SumRows (differentiable) and the per-row reductions, ArgMax (not) against the reference.</summary>
public class ReduceTests
{
    [Fact]
    public void SumMeanSumRows()
    {
        var x = Check.Uniform(new System.Random(1), 4 * 3 * 5);
        GradCheck.Run("sum", [new(x, [4, 3, 5])], t => Ops.Sum(t[0]), d => [d[0].Sum()], 1, outShape: [1]);
        GradCheck.Run("mean", [new(x, [4, 3, 5])], t => Ops.Mean(t[0]), d => [d[0].Average()], 2, outShape: [1]);
        GradCheck.Run("sum rows", [new(x, [4, 3, 5])], t => Ops.SumRows(t[0]), d => Ref.Rows(d[0], 4, v => v.Sum()), 3, outShape: [4]);
    }

    [Fact]
    public void LongSumKeepsDoublePrecision()
    {
        // 100 003 values of mean ~1000: a float accumulator would lose ~1e-3 relative
        var x = Check.Uniform(new System.Random(2), 100_003, 999, 1001);
        using var t = Tensor.FromArray(x, [100_003]);
        Check.Close("long sum", [Check.D(x).Sum()], Ops.Sum(t).ToArray(), 1e-6);
    }

    public static TheoryData<RowReduce> Reductions() =>
        new(Enum.GetValues<RowReduce>());

    [Theory]
    [MemberData(nameof(Reductions))]
    public void ReduceRows(RowReduce op)
    {
        var x = Check.Uniform(new System.Random((int)op), 5 * 19, -3, 3);
        for (int i = 0; i < x.Length; i += 4) x[i] = 0f; // zeros for CountNonZero
        Func<IEnumerable<double>, double> f = op switch
        {
            RowReduce.Sum => v => v.Sum(),
            RowReduce.Max => v => v.Max(),
            RowReduce.Min => v => v.Min(),
            RowReduce.SumAbs => v => v.Sum(Math.Abs),
            RowReduce.SumSquares => v => v.Sum(a => a * a),
            RowReduce.MaxAbs => v => v.Max(Math.Abs),
            _ => v => v.Count(a => a != 0),
        };
        using var t = Tensor.FromArray(x, [5, 19]);
        using var y = Ops.ReduceRows(t, op);
        Assert.Equal([5], y.Shape);
        Check.Close($"reduce rows {op}", Ref.Rows(Check.D(x), 5, f), y.ToArray(), 1e-6);
    }

    [Fact]
    public void ArgMaxTakesTheFirstOnTies()
    {
        using var t = Tensor.FromArray([1f, 3f, 3f, 0f, -1f, -1f, -1f, -2f], [2, 4]);
        using var idx = Ops.ArgMax(t);
        Assert.Equal([1, 0], idx.ToArray());
    }
}
