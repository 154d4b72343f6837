using FastRobust.Tensors;

namespace FastRobust.Gpu.Agreement;

/// <summary>Philox fills, dropout, random crop and flip (bit-identical by construction), and the optimizer steps.</summary>
internal static class RandomOptimCases
{
    private static (ulong Seed, ulong Stream, ulong Offset) Key(Checker t) =>
        ((ulong)t.Rng.NextInt64(), (ulong)t.Int(0, 1000), (ulong)t.Int(0, 1 << 30) * 4096UL);

    public static IEnumerable<AgreementCase> All()
    {
        yield return new("Philox uniform (bit-identical) and normal", ["FillUniform", "FillNormal"], t =>
        {
            int n = t.Size(1, 20000);
            var (seed, stream, offset) = Key(t);
            var (u, nrm) = (t.Poisoned(n), t.Poisoned(n));
            t.C.FillUniform(u.Cpu, n, seed, stream, offset, -2f, 3f);
            t.G.FillUniform(u.Gpu, n, seed, stream, offset, -2f, 3f);
            t.Exact(u, n, "uniform");
            t.C.FillNormal(nrm.Cpu, n, seed, stream, offset, 0.5f, 2f);
            t.G.FillNormal(nrm.Gpu, n, seed, stream, offset, 0.5f, 2f);
            t.Close(nrm, n, "normal", 1e-5);
        });
        yield return new("dropout: the mask and output bit-identical", ["DropoutForward"], t =>
        {
            int n = t.Size(1, 20000);
            var (seed, stream, offset) = Key(t);
            float p = (float)t.Rng.NextDouble() * 0.8f;
            var x = t.BothRand(n);
            var (y, mask) = (t.Poisoned(n), t.Poisoned(n));
            t.C.DropoutForward(x.Cpu, y.Cpu, mask.Cpu, n, p, seed, stream, offset);
            t.G.DropoutForward(x.Gpu, y.Gpu, mask.Gpu, n, p, seed, stream, offset);
            t.Exact(mask, n, "mask");
            t.Exact(y, n, "dropout");
        });
        foreach (bool flip in new[] { true, false })
            yield return new($"random crop{(flip ? " and flip" : "")}: bit-identical", ["RandomCropFlip"], t =>
            {
                int n = t.Size(1, 8), c = t.Int(1, 4), h = t.Size(1, 33), w = t.Size(1, 33), pad = t.Int(0, 5);
                long count = (long)n * c * h * w;
                var (seed, stream, offset) = Key(t);
                var x = t.BothRand(count);
                var y = t.Poisoned(count);
                t.C.RandomCropFlip(x.Cpu, y.Cpu, n, c, h, w, pad, flip, seed, stream, offset);
                t.G.RandomCropFlip(x.Gpu, y.Gpu, n, c, h, w, pad, flip, seed, stream, offset);
                t.Exact(y, count, "crop/flip");
            });
        foreach (var (momentum, dampening, nesterov, firstStep) in new[] { (0f, 0f, false, false), (0.9f, 0f, false, true), (0.9f, 0.1f, false, false), (0.9f, 0f, true, false) })
            yield return new($"SGD step momentum {momentum} dampening {dampening}{(nesterov ? " nesterov" : "")}{(firstStep ? " first step" : "")}",
                ["SgdStep"], t =>
            {
                int n = t.Size(1, 5000), start = t.Int(0, n), len = t.Int(1, n - start + 1);  // one ensemble member's slice
                var (p, g, buf) = (t.BothRand(n), t.BothRand(n), t.BothRand(n));
                t.C.SgdStep(p.Cpu, g.Cpu, momentum == 0f ? null : buf.Cpu, start, len, 0.1f, momentum, dampening, 5e-4f, nesterov, firstStep);
                t.G.SgdStep(p.Gpu, g.Gpu, momentum == 0f ? null : buf.Gpu, start, len, 0.1f, momentum, dampening, 5e-4f, nesterov, firstStep);
                t.Close(p, n, "p");
                t.Close(buf, n, "momentum");
            });
        foreach (bool decoupled in new[] { false, true })
            yield return new($"Adam{(decoupled ? "W" : "")} step", ["AdamStep"], t =>
            {
                int n = t.Size(1, 5000), step = t.Int(1, 50), start = t.Int(0, n), len = t.Int(1, n - start + 1);
                var (p, g, m, v) = (t.BothRand(n), t.BothRand(n), t.BothRand(n, -0.1f, 0.1f), t.BothRand(n, 0f, 0.1f));
                t.C.AdamStep(p.Cpu, g.Cpu, m.Cpu, v.Cpu, start, len, 1e-2f, 0.9f, 0.999f, 1e-8f, 1e-2f, decoupled, step);
                t.G.AdamStep(p.Gpu, g.Gpu, m.Gpu, v.Gpu, start, len, 1e-2f, 0.9f, 0.999f, 1e-8f, 1e-2f, decoupled, step);
                t.Close(p, n, "p");
                t.Close(m, n, "m");
                t.Close(v, n, "v");
            });
        foreach (float momentum in new[] { 0f, 0.9f })
            yield return new($"RMSprop step momentum {momentum}", ["RmspropStep"], t =>
            {
                int n = t.Size(1, 5000), start = t.Int(0, n), len = t.Int(1, n - start + 1);
                var (p, g, sq, buf) = (t.BothRand(n), t.BothRand(n), t.BothRand(n, 0f, 0.1f), t.BothRand(n));
                t.C.RmspropStep(p.Cpu, g.Cpu, sq.Cpu, momentum == 0f ? null : buf.Cpu, start, len, 1e-3f, 0.99f, 1e-8f, 1e-4f, momentum);
                t.G.RmspropStep(p.Gpu, g.Gpu, sq.Gpu, momentum == 0f ? null : buf.Gpu, start, len, 1e-3f, 0.99f, 1e-8f, 1e-4f, momentum);
                t.Close(p, n, "p");
                t.Close(sq, n, "sq");
                t.Close(buf, n, "momentum");
            });
    }
}
