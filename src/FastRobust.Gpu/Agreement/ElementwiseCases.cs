using FastRobust.Tensors;

namespace FastRobust.Gpu.Agreement;

/// <summary>The element-wise ops: unary and their backward, binary and per-row binary, affine maps, clamps, biases.</summary>
internal static class ElementwiseCases
{
    public static IEnumerable<AgreementCase> All()
    {
        foreach (var op in Enum.GetValues<UnaryOp>())
            yield return new($"unary {op} and backward", ["Unary", "UnaryBackward"], t =>
            {
                int n = t.Size(1, 5000);
                var x = t.Both(op is UnaryOp.Log or UnaryOp.Sqrt ? t.Rand(n, 0.05f, 4f) : t.Rand(n, -4f, 4f));
                var y = t.Poisoned(n);
                t.C.Unary(op, x.Cpu, y.Cpu, n);
                t.G.Unary(op, x.Gpu, y.Gpu, n);
                t.Close(y, n, op.ToString());
                var dy = t.BothRand(n);
                var dx = t.Poisoned(n);
                t.C.UnaryBackward(op, x.Cpu, dy.Cpu, dx.Cpu, n);
                t.G.UnaryBackward(op, x.Gpu, dy.Gpu, dx.Gpu, n);
                t.Close(dx, n, op + " backward");
            });
        foreach (var op in Enum.GetValues<BinaryOp>())
            yield return new($"binary {op} and per row", ["Binary", "BinaryRow"], t =>
            {
                int rows = t.Size(1, 20), cols = t.Size(1, 300), n = rows * cols;
                var a = t.BothRand(n);
                var b = t.Both(t.Rand(n, 0.5f, 2f).Select((v, i) => i % 3 == 0 ? -v : v).ToArray());
                var y = t.Poisoned(n);
                t.C.Binary(op, a.Cpu, b.Cpu, y.Cpu, n);
                t.G.Binary(op, a.Gpu, b.Gpu, y.Gpu, n);
                t.Exact(y, n, op.ToString());
                var r = t.Both(t.Rand(rows, 0.5f, 2f));
                var yr = t.Poisoned(n);
                t.C.BinaryRow(op, a.Cpu, r.Cpu, yr.Cpu, rows, cols);
                t.G.BinaryRow(op, a.Gpu, r.Gpu, yr.Gpu, rows, cols);
                t.Exact(yr, n, op + " row");
            });
        yield return new("affine, axpby, clamp and its backward", ["Affine", "Axpby", "Clamp", "ClampBackward"], t =>
        {
            int n = t.Size(1, 5000);
            float a = (float)t.Rng.NextDouble() * 2 - 1, b = (float)t.Rng.NextDouble();
            var x = t.BothRand(n, -2f, 2f);
            var y = t.Poisoned(n);
            t.C.Affine(x.Cpu, y.Cpu, n, a, b);
            t.G.Affine(x.Gpu, y.Gpu, n, a, b);
            t.Close(y, n, "affine");
            var z = t.BothRand(n);
            t.C.Axpby(x.Cpu, z.Cpu, n, a, b);
            t.G.Axpby(x.Gpu, z.Gpu, n, a, b);
            t.Close(z, n, "axpby");
            var c = t.Poisoned(n);
            t.C.Clamp(x.Cpu, c.Cpu, n, -0.5f, 0.75f);
            t.G.Clamp(x.Gpu, c.Gpu, n, -0.5f, 0.75f);
            t.Exact(c, n, "clamp");
            var dy = t.BothRand(n);
            var dx = t.Poisoned(n);
            t.C.ClampBackward(x.Cpu, dy.Cpu, dx.Cpu, n, -0.5f, 0.75f);
            t.G.ClampBackward(x.Gpu, dy.Gpu, dx.Gpu, n, -0.5f, 0.75f);
            t.Exact(dx, n, "clamp backward");
        });
        foreach (bool max in new[] { true, false })
            yield return new($"{(max ? "max" : "min")} backward, ties to a", ["MaxMinBackward"], t =>
            {
                int n = t.Size(1, 5000);
                var av = t.Rand(n);
                var bv = t.Rand(n);
                for (int i = 0; i < n; i += 5) bv[i] = av[i];
                var a = t.Both(av);
                var b = t.Both(bv);
                var dy = t.BothRand(n);
                var (da, db) = (t.Poisoned(n), t.Poisoned(n));
                t.C.MaxMinBackward(max, a.Cpu, b.Cpu, dy.Cpu, da.Cpu, db.Cpu, n);
                t.G.MaxMinBackward(max, a.Gpu, b.Gpu, dy.Gpu, da.Gpu, db.Gpu, n);
                t.Exact(da, n, "da");
                t.Exact(db, n, "db");
            });
        yield return new("channel affine, add bias", ["ChannelAffine", "AddBias"], t =>
        {
            int e = t.Size(1, 3), n = t.Size(1, 8), ch = t.Size(1, 20), inner = t.Size(1, 100);
            long count = (long)e * n * ch * inner;
            var x = t.BothRand(count);
            var scale = t.BothRand(ch);
            var shift = t.BothRand(ch);
            var y = t.Poisoned(count);
            t.C.ChannelAffine(x.Cpu, scale.Cpu, shift.Cpu, y.Cpu, e * n, ch, inner);
            t.G.ChannelAffine(x.Gpu, scale.Gpu, shift.Gpu, y.Gpu, e * n, ch, inner);
            t.Close(y, count, "channel affine");
            var bias = t.BothRand((long)e * ch);
            t.C.AddBias(x.Cpu, bias.Cpu, e, n, ch, inner);
            t.G.AddBias(x.Gpu, bias.Gpu, e, n, ch, inner);
            t.Exact(x, count, "add bias");
        });
    }
}
