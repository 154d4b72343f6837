using FastRobust.Tensors;
using Xunit;

namespace FastRobust.Gpu.Tests.Ops;

/// <summary>
/// The ReLU in the convolution kernel's store (IlgpuBackend.Conv2dForwardRelu) against the cpu backend's two passes
/// (Backend.Conv2dForwardRelu's default), on shapes where the ReLU cuts about half the values.
/// </summary>
public class ConvReluAgreementTests
{
    private readonly Agreement t = new();

    [Theory]
    [InlineData(1, false, true)]
    [InlineData(2, false, false)]
    [InlineData(3, true, true)]
    public void FusedReluAgreesWithCpu(int e, bool broadcast, bool withBias)
    {
        var g = new ConvGeometry(e, t.Int(1, 4), t.Int(1, 6), t.Int(3, 10), t.Int(3, 10), t.Int(1, 70), 3, 3, t.Int(1, 3), t.Int(1, 3), 1, 1, broadcast);
        long xCount = (broadcast ? 1 : g.E) * g.N * g.InputImage, yCount = (long)g.E * g.N * g.OutputImage;
        var x = t.BothRand(xCount);
        var w = t.BothRand(g.E * g.WeightMember);
        var bias = t.BothRand((long)g.E * g.O);
        var y = t.Poisoned(yCount);
        t.C.Conv2dForwardRelu(g, x.Cpu, w.Cpu, withBias ? bias.Cpu : null, y.Cpu);
        t.G.Conv2dForwardRelu(g, x.Gpu, w.Gpu, withBias ? bias.Gpu : null, y.Gpu);
        var expected = Agreement.Down(t.C, y.Cpu, yCount);
        Assert.Contains(expected, v => v == 0f);
        Assert.Contains(expected, v => v > 0f);
        t.Close(y.Cpu, y.Gpu, yCount, $"conv + relu {g}");
        // and the kernel without the flag leaves the negative values
        var plain = t.Poisoned(yCount);
        t.G.Conv2dForward(g, x.Gpu, w.Gpu, withBias ? bias.Gpu : null, plain.Gpu);
        Assert.Contains(Agreement.Down(t.G, plain.Gpu, yCount), v => v < 0f);
    }
}
