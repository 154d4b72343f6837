using FastRobust.Tensors;
using Xunit;

namespace FastRobust.Gpu.Tests.Ops;

public class PoolNormAgreementTests
{
    private readonly Agreement t = new();

    public static TheoryData<int, int, int> Windows() => new()
    {
        { 2, 2, 0 }, // the common case (the CPU's vector path)
        { 3, 2, 1 }, // overlapping windows with padding
        { 3, 1, 0 },
        { 2, 3, 1 }, // gaps between windows
    };

    private PoolGeometry Geometry(int k, int s, int p)
    {
        int h = t.Int(k, 14), w = t.Int(k, 14);
        return new PoolGeometry(t.Int(1, 4), t.Int(1, 4), h, w, k, k, s, s, p, p);
    }

    [Theory]
    [MemberData(nameof(Windows))]
    public void MaxPool(int k, int s, int p)
    {
        var g = Geometry(k, s, p);
        long inputs = (long)g.B * g.C * g.H * g.W;
        var xv = t.Rand(inputs);
        for (int i = 0; i < inputs; i += 7) xv[i] = xv[Math.Max(0, i - 1)]; // ties: the first in scan order wins
        var x = t.Both(xv);
        var y = t.Poisoned(g.OutputCount);
        var idx = (Cpu: t.C.AllocInt(g.OutputCount), Gpu: t.G.AllocInt(g.OutputCount));
        t.C.MaxPool2dForward(g, x.Cpu, y.Cpu, idx.Cpu);
        t.G.MaxPool2dForward(g, x.Gpu, y.Gpu, idx.Gpu);
        t.Exact(y.Cpu, y.Gpu, g.OutputCount, "max pool");
        t.ExactInt(idx.Cpu, idx.Gpu, (int)g.OutputCount, "argmax");
        var dy = t.BothRand(g.OutputCount);
        var dx = t.Poisoned(inputs);
        t.C.MaxPool2dBackward(g, dy.Cpu, idx.Cpu, dx.Cpu);
        t.G.MaxPool2dBackward(g, dy.Gpu, idx.Gpu, dx.Gpu);
        t.Exact(dx.Cpu, dx.Gpu, inputs, "max pool backward");
    }

    [Theory]
    [MemberData(nameof(Windows))]
    public void AvgPool(int k, int s, int p)
    {
        var g = Geometry(k, s, p);
        long inputs = (long)g.B * g.C * g.H * g.W;
        var x = t.BothRand(inputs);
        var y = t.Poisoned(g.OutputCount);
        t.C.AvgPool2dForward(g, x.Cpu, y.Cpu);
        t.G.AvgPool2dForward(g, x.Gpu, y.Gpu);
        t.Close(y.Cpu, y.Gpu, g.OutputCount, "avg pool");
        var dy = t.BothRand(g.OutputCount);
        var dx = t.Poisoned(inputs);
        t.C.AvgPool2dBackward(g, dy.Cpu, dx.Cpu);
        t.G.AvgPool2dBackward(g, dy.Gpu, dx.Gpu);
        t.Close(dx.Cpu, dx.Gpu, inputs, "avg pool backward");
    }

    private BatchNormGeometry NormGeometry(int maxN, int maxHw) => new(t.Int(1, 3), t.Int(2, maxN), t.Int(1, 5), t.Int(1, maxHw));

    [Theory]
    [InlineData(5, 10)]
    [InlineData(20, 60)] // N·HW beyond a group: strided partials
    public void BatchNormTrainForwardAndBackward(int maxN, int maxHw)
    {
        var g = NormGeometry(maxN, maxHw);
        long ec = (long)g.E * g.C;
        var x = t.BothRand(g.Count, -2f, 3f);
        var gamma = t.BothRand(ec, 0.5f, 1.5f);
        var beta = t.BothRand(ec);
        var y = t.Poisoned(g.Count);
        var mean = t.Poisoned(ec);
        var inv = t.Poisoned(ec);
        var rm = t.BothRand(ec);
        var rv = t.BothRand(ec, 0.5f, 2f);
        t.C.BatchNormTrainForward(g, x.Cpu, gamma.Cpu, beta.Cpu, y.Cpu, mean.Cpu, inv.Cpu, rm.Cpu, rv.Cpu, 0.1f, 1e-5f);
        t.G.BatchNormTrainForward(g, x.Gpu, gamma.Gpu, beta.Gpu, y.Gpu, mean.Gpu, inv.Gpu, rm.Gpu, rv.Gpu, 0.1f, 1e-5f);
        t.Close(y.Cpu, y.Gpu, g.Count, "y");
        t.Close(mean.Cpu, mean.Gpu, ec, "mean");
        t.Close(inv.Cpu, inv.Gpu, ec, "inv std");
        t.Close(rm.Cpu, rm.Gpu, ec, "running mean");
        t.Close(rv.Cpu, rv.Gpu, ec, "running var");

        var dy = t.BothRand(g.Count);
        var dx = t.Poisoned(g.Count);
        var dgamma = t.Poisoned(ec);
        var dbeta = t.Poisoned(ec);
        t.C.BatchNormBackward(g, x.Cpu, dy.Cpu, gamma.Cpu, mean.Cpu, inv.Cpu, dx.Cpu, dgamma.Cpu, dbeta.Cpu);
        t.G.BatchNormBackward(g, x.Gpu, dy.Gpu, gamma.Gpu, mean.Gpu, inv.Gpu, dx.Gpu, dgamma.Gpu, dbeta.Gpu);
        t.Close(dx.Cpu, dx.Gpu, g.Count, "dx");
        t.Close(dgamma.Cpu, dgamma.Gpu, ec, "dgamma");
        t.Close(dbeta.Cpu, dbeta.Gpu, ec, "dbeta");

        // only dx (an attack through a training-mode layer)
        var dx2 = t.Poisoned(g.Count);
        t.C.BatchNormBackward(g, x.Cpu, dy.Cpu, gamma.Cpu, mean.Cpu, inv.Cpu, dx2.Cpu, null, null);
        t.G.BatchNormBackward(g, x.Gpu, dy.Gpu, gamma.Gpu, mean.Gpu, inv.Gpu, dx2.Gpu, null, null);
        t.Close(dx2.Cpu, dx2.Gpu, g.Count, "dx only");
    }

    [Fact]
    public void BatchNormEvalForwardAndBackward()
    {
        var g = NormGeometry(6, 40);
        long ec = (long)g.E * g.C;
        var x = t.BothRand(g.Count, -2f, 3f);
        var gamma = t.BothRand(ec, 0.5f, 1.5f);
        var beta = t.BothRand(ec);
        var rm = t.BothRand(ec);
        var rv = t.BothRand(ec, 0.5f, 2f);
        var y = t.Poisoned(g.Count);
        t.C.BatchNormEvalForward(g, x.Cpu, gamma.Cpu, beta.Cpu, rm.Cpu, rv.Cpu, 1e-5f, y.Cpu);
        t.G.BatchNormEvalForward(g, x.Gpu, gamma.Gpu, beta.Gpu, rm.Gpu, rv.Gpu, 1e-5f, y.Gpu);
        t.Close(y.Cpu, y.Gpu, g.Count, "eval y");
        var dy = t.BothRand(g.Count);
        var dx = t.Poisoned(g.Count);
        var dgamma = t.Poisoned(ec);
        var dbeta = t.Poisoned(ec);
        t.C.BatchNormEvalBackward(g, x.Cpu, dy.Cpu, gamma.Cpu, rm.Cpu, rv.Cpu, 1e-5f, dx.Cpu, dgamma.Cpu, dbeta.Cpu);
        t.G.BatchNormEvalBackward(g, x.Gpu, dy.Gpu, gamma.Gpu, rm.Gpu, rv.Gpu, 1e-5f, dx.Gpu, dgamma.Gpu, dbeta.Gpu);
        t.Close(dx.Cpu, dx.Gpu, g.Count, "eval dx");
        t.Close(dgamma.Cpu, dgamma.Gpu, ec, "eval dgamma");
        t.Close(dbeta.Cpu, dbeta.Gpu, ec, "eval dbeta");
        var dx2 = t.Poisoned(g.Count);
        t.C.BatchNormEvalBackward(g, x.Cpu, dy.Cpu, gamma.Cpu, rm.Cpu, rv.Cpu, 1e-5f, dx2.Cpu, null, null);
        t.G.BatchNormEvalBackward(g, x.Gpu, dy.Gpu, gamma.Gpu, rm.Gpu, rv.Gpu, 1e-5f, dx2.Gpu, null, null);
        t.Close(dx2.Cpu, dx2.Gpu, g.Count, "eval dx only");
    }
}
