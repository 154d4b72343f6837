using FastRobust.Tensors;
using Xunit;

namespace FastRobust.Gpu.Tests.Ops;

public class RandomOptimAgreementTests
{
    private readonly Agreement t = new();

    private (ulong Seed, ulong Stream, ulong Offset) Key() =>
        ((ulong)t.Rng.NextInt64(), (ulong)t.Int(0, 1000), (ulong)t.Int(0, 1 << 30) * 4096UL);

    [Fact]
    public void UniformIsBitIdentical()
    {
        int n = t.Int(1, 999);
        var (seed, stream, offset) = Key();
        var y = t.Poisoned(n);
        t.C.FillUniform(y.Cpu, n, seed, stream, offset, -2f, 3f);
        t.G.FillUniform(y.Gpu, n, seed, stream, offset, -2f, 3f);
        t.Exact(y.Cpu, y.Gpu, n, "uniform");
    }

    [Fact]
    public void Normal()
    {
        int n = t.Int(1, 999);
        var (seed, stream, offset) = Key();
        var y = t.Poisoned(n);
        t.C.FillNormal(y.Cpu, n, seed, stream, offset, 0.5f, 2f);
        t.G.FillNormal(y.Gpu, n, seed, stream, offset, 0.5f, 2f);
        t.Close(y.Cpu, y.Gpu, n, "normal", 1e-5);
    }

    [Fact]
    public void DropoutMaskIsBitIdentical()
    {
        int n = t.Int(1, 999);
        var (seed, stream, offset) = Key();
        float p = (float)t.Rng.NextDouble() * 0.8f;
        var x = t.BothRand(n);
        var y = t.Poisoned(n);
        var mask = t.Poisoned(n);
        t.C.DropoutForward(x.Cpu, y.Cpu, mask.Cpu, n, p, seed, stream, offset);
        t.G.DropoutForward(x.Gpu, y.Gpu, mask.Gpu, n, p, seed, stream, offset);
        t.Exact(mask.Cpu, mask.Gpu, n, "mask");
        t.Exact(y.Cpu, y.Gpu, n, "dropout");
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void RandomCropFlipIsBitIdentical(bool flip)
    {
        int n = t.Int(1, 6), c = t.Int(1, 4), h = t.Int(1, 12), w = t.Int(1, 12), pad = t.Int(0, 5);
        long count = (long)n * c * h * w;
        var (seed, stream, offset) = Key();
        var x = t.BothRand(count);
        var y = t.Poisoned(count);
        t.C.RandomCropFlip(x.Cpu, y.Cpu, n, c, h, w, pad, flip, seed, stream, offset);
        t.G.RandomCropFlip(x.Gpu, y.Gpu, n, c, h, w, pad, flip, seed, stream, offset);
        t.Exact(y.Cpu, y.Gpu, count, "crop/flip");
    }

    [Theory]
    [InlineData(0f, 0f, false, false)]
    [InlineData(0.9f, 0f, false, true)]
    [InlineData(0.9f, 0.1f, false, false)]
    [InlineData(0.9f, 0f, true, false)]
    public void Sgd(float momentum, float dampening, bool nesterov, bool firstStep)
    {
        int n = t.Int(1, 400);
        var p = t.BothRand(n);
        var g = t.BothRand(n);
        var buf = t.BothRand(n);
        t.C.SgdStep(p.Cpu, g.Cpu, momentum == 0f ? null : buf.Cpu, n, 0.1f, momentum, dampening, 5e-4f, nesterov, firstStep);
        t.G.SgdStep(p.Gpu, g.Gpu, momentum == 0f ? null : buf.Gpu, n, 0.1f, momentum, dampening, 5e-4f, nesterov, firstStep);
        t.Close(p.Cpu, p.Gpu, n, "p");
        t.Close(buf.Cpu, buf.Gpu, n, "momentum");
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Adam(bool decoupled)
    {
        int n = t.Int(1, 400), step = t.Int(1, 50);
        var p = t.BothRand(n);
        var g = t.BothRand(n);
        var m = t.BothRand(n, -0.1f, 0.1f);
        var v = t.BothRand(n, 0f, 0.1f);
        t.C.AdamStep(p.Cpu, g.Cpu, m.Cpu, v.Cpu, n, 1e-2f, 0.9f, 0.999f, 1e-8f, 1e-2f, decoupled, step);
        t.G.AdamStep(p.Gpu, g.Gpu, m.Gpu, v.Gpu, n, 1e-2f, 0.9f, 0.999f, 1e-8f, 1e-2f, decoupled, step);
        t.Close(p.Cpu, p.Gpu, n, "p");
        t.Close(m.Cpu, m.Gpu, n, "m");
        t.Close(v.Cpu, v.Gpu, n, "v");
    }

    [Theory]
    [InlineData(0f)]
    [InlineData(0.9f)]
    public void Rmsprop(float momentum)
    {
        int n = t.Int(1, 400);
        var p = t.BothRand(n);
        var g = t.BothRand(n);
        var sq = t.BothRand(n, 0f, 0.1f);
        var buf = t.BothRand(n);
        t.C.RmspropStep(p.Cpu, g.Cpu, sq.Cpu, momentum == 0f ? null : buf.Cpu, n, 1e-3f, 0.99f, 1e-8f, 1e-4f, momentum);
        t.G.RmspropStep(p.Gpu, g.Gpu, sq.Gpu, momentum == 0f ? null : buf.Gpu, n, 1e-3f, 0.99f, 1e-8f, 1e-4f, momentum);
        t.Close(p.Cpu, p.Gpu, n, "p");
        t.Close(sq.Cpu, sq.Gpu, n, "sq");
        t.Close(buf.Cpu, buf.Gpu, n, "momentum");
    }
}
