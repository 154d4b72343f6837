using FastRobust.Tensors;
using Xunit;

namespace FastRobust.Gpu.Tests.Ops;

public class ElementwiseAgreementTests
{
    private readonly Agreement t = new();

    private float[] InputFor(UnaryOp op, int n) =>
        op is UnaryOp.Log or UnaryOp.Sqrt ? t.Rand(n, 0.05f, 4f) : t.Rand(n, -4f, 4f);

    [Theory]
    [MemberData(nameof(UnaryOps))]
    public void Unary(UnaryOp op)
    {
        int n = t.Int(1, 700);
        var x = t.Both(InputFor(op, n));
        var y = t.Poisoned(n);
        t.C.Unary(op, x.Cpu, y.Cpu, n);
        t.G.Unary(op, x.Gpu, y.Gpu, n);
        t.Close(y.Cpu, y.Gpu, n, op.ToString());
    }

    [Theory]
    [MemberData(nameof(UnaryOps))]
    public void UnaryBackward(UnaryOp op)
    {
        int n = t.Int(1, 700);
        var x = t.Both(InputFor(op, n));
        var dy = t.BothRand(n);
        var dx = t.Poisoned(n);
        t.C.UnaryBackward(op, x.Cpu, dy.Cpu, dx.Cpu, n);
        t.G.UnaryBackward(op, x.Gpu, dy.Gpu, dx.Gpu, n);
        t.Close(dx.Cpu, dx.Gpu, n, op + " backward");
    }

    public static TheoryData<UnaryOp> UnaryOps() => new(Enum.GetValues<UnaryOp>());

    public static TheoryData<BinaryOp> BinaryOps() => new(Enum.GetValues<BinaryOp>());

    [Theory]
    [MemberData(nameof(BinaryOps))]
    public void BinaryAndBinaryRow(BinaryOp op)
    {
        int rows = t.Int(1, 9), cols = t.Int(1, 90), n = rows * cols;
        var a = t.BothRand(n);
        var b = t.Both(t.Rand(n, 0.5f, 2f).Select((v, i) => i % 3 == 0 ? -v : v).ToArray());
        var y = t.Poisoned(n);
        t.C.Binary(op, a.Cpu, b.Cpu, y.Cpu, n);
        t.G.Binary(op, a.Gpu, b.Gpu, y.Gpu, n);
        t.Exact(y.Cpu, y.Gpu, n, op.ToString());
        var r = t.Both(t.Rand(rows, 0.5f, 2f));
        var yr = t.Poisoned(n);
        t.C.BinaryRow(op, a.Cpu, r.Cpu, yr.Cpu, rows, cols);
        t.G.BinaryRow(op, a.Gpu, r.Gpu, yr.Gpu, rows, cols);
        t.Exact(yr.Cpu, yr.Gpu, n, op + " row");
    }

    [Fact]
    public void AffineAxpbyClampAndClampBackward()
    {
        int n = t.Int(1, 600);
        float a = (float)t.Rng.NextDouble() * 2 - 1, b = (float)t.Rng.NextDouble();
        var x = t.BothRand(n, -2f, 2f);
        var y = t.Poisoned(n);
        t.C.Affine(x.Cpu, y.Cpu, n, a, b);
        t.G.Affine(x.Gpu, y.Gpu, n, a, b);
        t.Close(y.Cpu, y.Gpu, n, "affine");
        var z = t.BothRand(n);
        t.C.Axpby(x.Cpu, z.Cpu, n, a, b);
        t.G.Axpby(x.Gpu, z.Gpu, n, a, b);
        t.Close(z.Cpu, z.Gpu, n, "axpby");
        var c = t.Poisoned(n);
        t.C.Clamp(x.Cpu, c.Cpu, n, -0.5f, 0.75f);
        t.G.Clamp(x.Gpu, c.Gpu, n, -0.5f, 0.75f);
        t.Exact(c.Cpu, c.Gpu, n, "clamp");
        var dy = t.BothRand(n);
        var dx = t.Poisoned(n);
        t.C.ClampBackward(x.Cpu, dy.Cpu, dx.Cpu, n, -0.5f, 0.75f);
        t.G.ClampBackward(x.Gpu, dy.Gpu, dx.Gpu, n, -0.5f, 0.75f);
        t.Exact(dx.Cpu, dx.Gpu, n, "clamp backward");
    }

    [Fact]
    public void ChannelAffineAndAddBias()
    {
        int e = t.Int(1, 3), n = t.Int(1, 4), ch = t.Int(1, 6), inner = t.Int(1, 30);
        long count = (long)e * n * ch * inner;
        var x = t.BothRand(count);
        var scale = t.BothRand(ch);
        var shift = t.BothRand(ch);
        var y = t.Poisoned(count);
        t.C.ChannelAffine(x.Cpu, scale.Cpu, shift.Cpu, y.Cpu, e * n, ch, inner);
        t.G.ChannelAffine(x.Gpu, scale.Gpu, shift.Gpu, y.Gpu, e * n, ch, inner);
        t.Close(y.Cpu, y.Gpu, count, "channel affine");
        var bias = t.BothRand((long)e * ch);
        t.C.AddBias(x.Cpu, bias.Cpu, e, n, ch, inner);
        t.G.AddBias(x.Gpu, bias.Gpu, e, n, ch, inner);
        t.Exact(x.Cpu, x.Gpu, count, "add bias");
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void MaxMinBackward(bool max)
    {
        int n = t.Int(1, 500);
        var av = t.Rand(n);
        var bv = t.Rand(n);
        for (int i = 0; i < n; i += 5) bv[i] = av[i]; // ties go to a
        var a = t.Both(av);
        var b = t.Both(bv);
        var dy = t.BothRand(n);
        var da = t.Poisoned(n);
        var db = t.Poisoned(n);
        t.C.MaxMinBackward(max, a.Cpu, b.Cpu, dy.Cpu, da.Cpu, db.Cpu, n);
        t.G.MaxMinBackward(max, a.Gpu, b.Gpu, dy.Gpu, da.Gpu, db.Gpu, n);
        t.Exact(da.Cpu, da.Gpu, n, "da");
        t.Exact(db.Cpu, db.Gpu, n, "db");
    }

    [Fact]
    public void MemoryOps()
    {
        int n = t.Int(8, 300);
        var src = t.Rand(n);
        var g = t.G;
        var buf = g.Alloc(n);
        g.Upload(src, buf);
        Assert.Equal(src, Agreement.Down(g, buf, n));
        // offsets on upload, copy and fill
        var part = t.Rand(5);
        g.Upload(part, buf, 3);
        Array.Copy(part, 0, src, 3, 5);
        var other = g.Alloc(n + 4);
        g.Fill(other, 0, n + 4, float.NaN);
        g.Copy(buf, 2, other, 4, n - 2);
        g.Fill(other, 0, 2, 7f);
        var got = new float[n - 2];
        g.Download(other, 4, got);
        Assert.Equal(src[2..], got);
        var head = new float[4];
        g.Download(other, 0, head);
        Assert.Equal(new[] { 7f, 7f, float.NaN, float.NaN }, head);
        var ints = Enumerable.Range(0, n).Select(i => i * 7 - 3).ToArray();
        var ib = g.AllocInt(n);
        g.UploadInt(ints, ib);
        Assert.Equal(ints, Agreement.DownInt(g, ib, n));
        g.Synchronize();
    }

    [Fact]
    public void SteadyStateAllocatesNothing()
    {
        var be = (IlgpuBackend)t.G;
        void Step()
        {
            using var a = Tensor.Full([123], 1f, Agreement.Gpu);
            using var b = IntTensor.Empty(77, Agreement.Gpu);
            using var c = Tensor.Empty([5, 7], Agreement.Gpu);
        }
        Step();
        long before = be.Allocations;
        for (int i = 0; i < 5; i++) Step();
        Assert.Equal(before, be.Allocations);
    }
}
