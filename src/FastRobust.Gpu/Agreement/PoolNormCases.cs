using FastRobust.Tensors;

namespace FastRobust.Gpu.Agreement;

/// <summary>Max and average pooling on several windows, batch norm in training and eval mode.</summary>
internal static class PoolNormCases
{
    public static IEnumerable<AgreementCase> All()
    {
        // the common case (the CPU's vector path), overlapping windows with padding, stride 1, gaps between windows
        foreach (var (k, s, p) in new[] { (2, 2, 0), (3, 2, 1), (3, 1, 0), (2, 3, 1) })
            yield return new($"max and avg pool {k}x{k} stride {s} pad {p}",
                ["MaxPool2dForward", "MaxPool2dBackward", "AvgPool2dForward", "AvgPool2dBackward"], t =>
            {
                var g = new PoolGeometry(t.Size(1, 9), t.Size(1, 9), t.Size(k, 34), t.Size(k, 34), k, k, s, s, p, p);
                long inputs = (long)g.B * g.C * g.H * g.W;
                var xv = t.Rand(inputs);
                for (int i = 0; i < inputs; i += 7) xv[i] = xv[Math.Max(0, i - 1)]; // ties: the first in scan order wins
                var x = t.Both(xv);
                var y = t.Poisoned(g.OutputCount);
                var idx = t.BothIntEmpty(g.OutputCount);
                t.C.MaxPool2dForward(g, x.Cpu, y.Cpu, idx.Cpu);
                t.G.MaxPool2dForward(g, x.Gpu, y.Gpu, idx.Gpu);
                t.Exact(y, g.OutputCount, "max pool");
                t.ExactInt(idx, (int)g.OutputCount, "max pool argmax");
                var dy = t.BothRand(g.OutputCount);
                var dx = t.Poisoned(inputs);
                t.C.MaxPool2dBackward(g, dy.Cpu, idx.Cpu, dx.Cpu);
                t.G.MaxPool2dBackward(g, dy.Gpu, idx.Gpu, dx.Gpu);
                t.Exact(dx, inputs, "max pool backward");
                var ya = t.Poisoned(g.OutputCount);
                t.C.AvgPool2dForward(g, x.Cpu, ya.Cpu);
                t.G.AvgPool2dForward(g, x.Gpu, ya.Gpu);
                t.Close(ya, g.OutputCount, "avg pool");
                var dxa = t.Poisoned(inputs);
                t.C.AvgPool2dBackward(g, dy.Cpu, dxa.Cpu);
                t.G.AvgPool2dBackward(g, dy.Gpu, dxa.Gpu);
                t.Close(dxa, inputs, "avg pool backward");
            });
        foreach (bool large in new[] { false, true })
            yield return new($"batch norm training forward and backward, {(large ? "N·HW beyond a group" : "small")}",
                ["BatchNormTrainForward", "BatchNormBackward"], t =>
            {
                // beyond a group: strided partials
                var g = large ? new BatchNormGeometry(t.Size(1, 3), t.Size(2, 64), t.Size(1, 40), t.Size(100, 300))
                              : new BatchNormGeometry(t.Int(1, 3), t.Int(2, 5), t.Int(1, 5), t.Int(1, 10));
                long ec = (long)g.E * g.C;
                var x = t.BothRand(g.Count, -2f, 3f);
                var gamma = t.BothRand(ec, 0.5f, 1.5f);
                var beta = t.BothRand(ec);
                var (y, mean, inv) = (t.Poisoned(g.Count), t.Poisoned(ec), t.Poisoned(ec));
                var rm = t.BothRand(ec);
                var rv = t.BothRand(ec, 0.5f, 2f);
                t.C.BatchNormTrainForward(g, x.Cpu, gamma.Cpu, beta.Cpu, y.Cpu, mean.Cpu, inv.Cpu, rm.Cpu, rv.Cpu, 0.1f, 1e-5f);
                t.G.BatchNormTrainForward(g, x.Gpu, gamma.Gpu, beta.Gpu, y.Gpu, mean.Gpu, inv.Gpu, rm.Gpu, rv.Gpu, 0.1f, 1e-5f);
                t.Close(y, g.Count, "y");
                t.Close(mean, ec, "mean");
                t.Close(inv, ec, "inv std");
                t.Close(rm, ec, "running mean");
                t.Close(rv, ec, "running var");
                var dy = t.BothRand(g.Count);
                var (dx, dgamma, dbeta) = (t.Poisoned(g.Count), t.Poisoned(ec), t.Poisoned(ec));
                t.C.BatchNormBackward(g, x.Cpu, dy.Cpu, gamma.Cpu, mean.Cpu, inv.Cpu, dx.Cpu, dgamma.Cpu, dbeta.Cpu);
                t.G.BatchNormBackward(g, x.Gpu, dy.Gpu, gamma.Gpu, mean.Gpu, inv.Gpu, dx.Gpu, dgamma.Gpu, dbeta.Gpu);
                t.Close(dx, g.Count, "dx");
                t.Close(dgamma, ec, "dgamma");
                t.Close(dbeta, ec, "dbeta");
                // only dx (an attack through a training-mode layer)
                var dx2 = t.Poisoned(g.Count);
                t.C.BatchNormBackward(g, x.Cpu, dy.Cpu, gamma.Cpu, mean.Cpu, inv.Cpu, dx2.Cpu, null, null);
                t.G.BatchNormBackward(g, x.Gpu, dy.Gpu, gamma.Gpu, mean.Gpu, inv.Gpu, dx2.Gpu, null, null);
                t.Close(dx2, g.Count, "dx only");
            });
        yield return new("batch norm eval forward and backward", ["BatchNormEvalForward", "BatchNormEvalBackward"], t =>
        {
            var g = new BatchNormGeometry(t.Size(1, 3), t.Size(2, 64), t.Size(1, 40), t.Size(1, 300));
            long ec = (long)g.E * g.C;
            var x = t.BothRand(g.Count, -2f, 3f);
            var gamma = t.BothRand(ec, 0.5f, 1.5f);
            var beta = t.BothRand(ec);
            var rm = t.BothRand(ec);
            var rv = t.BothRand(ec, 0.5f, 2f);
            var y = t.Poisoned(g.Count);
            t.C.BatchNormEvalForward(g, x.Cpu, gamma.Cpu, beta.Cpu, rm.Cpu, rv.Cpu, 1e-5f, y.Cpu);
            t.G.BatchNormEvalForward(g, x.Gpu, gamma.Gpu, beta.Gpu, rm.Gpu, rv.Gpu, 1e-5f, y.Gpu);
            t.Close(y, g.Count, "eval y");
            var dy = t.BothRand(g.Count);
            var (dx, dgamma, dbeta) = (t.Poisoned(g.Count), t.Poisoned(ec), t.Poisoned(ec));
            t.C.BatchNormEvalBackward(g, x.Cpu, dy.Cpu, gamma.Cpu, rm.Cpu, rv.Cpu, 1e-5f, dx.Cpu, dgamma.Cpu, dbeta.Cpu);
            t.G.BatchNormEvalBackward(g, x.Gpu, dy.Gpu, gamma.Gpu, rm.Gpu, rv.Gpu, 1e-5f, dx.Gpu, dgamma.Gpu, dbeta.Gpu);
            t.Close(dx, g.Count, "eval dx");
            t.Close(dgamma, ec, "eval dgamma");
            t.Close(dbeta, ec, "eval dbeta");
            var dx2 = t.Poisoned(g.Count);
            t.C.BatchNormEvalBackward(g, x.Cpu, dy.Cpu, gamma.Cpu, rm.Cpu, rv.Cpu, 1e-5f, dx2.Cpu, null, null);
            t.G.BatchNormEvalBackward(g, x.Gpu, dy.Gpu, gamma.Gpu, rm.Gpu, rv.Gpu, 1e-5f, dx2.Gpu, null, null);
            t.Close(dx2, g.Count, "eval dx only");
        });
    }
}
