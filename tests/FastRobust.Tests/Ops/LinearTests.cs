using FastRobust.Autograd;
using FastRobust.Tests.OpsTests.Reference;
using FastRobust.Tests.OpsTests.Support;
using Xunit;

namespace FastRobust.Tests.OpsTests;

/// <summary>Linear (x·wᵀ + b, single model) against the float64 reference, forward and backward.</summary>
public class LinearTests
{
    // batch 1, odd sizes, a reduction longer than the GEMM's KC block (300 > 256), and 1×1
    [Theory]
    [InlineData(1, 5, 3, true, 1)]
    [InlineData(3, 7, 4, true, 2)]
    [InlineData(5, 300, 13, true, 3)]
    [InlineData(2, 1, 1, false, 4)]
    [InlineData(37, 9, 11, true, 5)]
    public void MatchesReference(int n, int inF, int o, bool bias, int seed)
    {
        var r = new System.Random(seed);
        var x = Check.Uniform(r, n * inF);
        var w = Check.Uniform(r, o * inF, -0.3, 0.3);
        var b = Check.Uniform(r, o);
        var inputs = new List<In> { new(x, [n, inF]), new(w, [o, inF]) };
        if (bias) inputs.Add(new(b, [o]));
        GradCheck.Run($"linear {n}x{inF}->{o}", inputs.ToArray(),
            t => Ops.Linear(t[0], t[1], bias ? t[2] : null),
            d => Ref.Linear(d[0], n, inF, d[1], o, bias ? d[2] : null),
            seed, outShape: [n, o], maxFd: 120);
    }
}
