using FastRobust.Tensors;

namespace FastRobust.Gpu.Agreement;

/// <summary>Which GEMM operand (if any) a batch shares: stride 0 across the batch.</summary>
public enum GemmBroadcast { None, A, B }

/// <summary>The GEMM (every transpose, padded leading dimensions, offsets, broadcast operands) and the convolutions.</summary>
internal static class GemmConvCases
{
    public static IEnumerable<AgreementCase> All()
    {
        foreach (bool ta in new[] { false, true })
            foreach (bool tb in new[] { false, true })
                foreach (float beta in new[] { 0f, 0.5f })
                    yield return new($"gemm {(ta ? "T" : "N")}{(tb ? "T" : "N")} beta {beta}", ["Gemm"], t =>
                    {
                        int m = t.Size(1, 300), n = t.Size(1, 300), k = t.Size(1, 300), batch = t.Int(1, 4);
                        var broadcast = (GemmBroadcast)t.Int(0, 3);
                        CheckGemm(t, ta, tb, m, n, k, batch, 0.5f + (float)t.Rng.NextDouble(), beta, broadcast);
                    });
        foreach (float beta in new[] { 0f, 0.5f })
            yield return new($"gemm alpha 0 beta {beta}: NaN operands never read", ["Gemm"], t =>
                CheckGemm(t, false, true, t.Size(1, 300), t.Size(1, 300), 2 * t.Size(65, 400) + 1, 2, 0f, beta, GemmBroadcast.A, nanOperands: true));

        // e, kernel height, kernel width, stride, pad, broadcast input
        foreach (var (e, kh, kw, s, p, bc) in new[]
                 {
                     (1, 3, 3, 1, 1, false), (1, 3, 3, 2, 0, false), (2, 3, 3, 1, 1, false), (3, 3, 3, 2, 1, true), (2, 1, 1, 1, 0, true),
                     (1, 5, 5, 2, 2, false),
                     (1, 2, 2, 3, 0, false), // stride beyond the kernel: pixels no tap reads
                     (1, 2, 3, 1, 1, false), // non-square kernels: the kernels step (ki, kj) by hand
                     (2, 3, 1, 1, 0, true),
                 })
            yield return new($"conv2d {kh}x{kw} stride {s} pad {p} E{e}{(bc ? " broadcast input" : "")}: forward, data and weight gradients",
                ["Conv2dForward", "Conv2dBackwardData", "Conv2dBackwardWeight"], t =>
            {
                var g = new ConvGeometry(e, t.Size(1, 9), t.Size(1, 24), t.Size(kh, 20), t.Size(kw, 20), t.Size(1, 100), kh, kw, s, s, p, p, bc);
                long xCount = (bc ? 1 : g.E) * g.N * g.InputImage, yCount = (long)g.E * g.N * g.OutputImage;
                long wCount = g.E * g.WeightMember, bCount = (long)g.E * g.O;
                var x = t.BothRand(xCount);
                var w = t.BothRand(wCount);
                var bias = t.BothRand(bCount);
                bool withBias = t.Int(0, 2) == 0;
                var y = t.Poisoned(yCount);
                t.C.Conv2dForward(g, x.Cpu, w.Cpu, withBias ? bias.Cpu : null, y.Cpu);
                t.G.Conv2dForward(g, x.Gpu, w.Gpu, withBias ? bias.Gpu : null, y.Gpu);
                t.Close(y, yCount, $"conv forward {g}");
                var dy = t.BothRand(yCount);
                CheckBackwardData(t, g, dy, w);
                var (dw, db) = (t.Poisoned(wCount), t.Poisoned(bCount));
                t.C.Conv2dBackwardWeight(g, x.Cpu, dy.Cpu, dw.Cpu, withBias ? db.Cpu : null);
                t.G.Conv2dBackwardWeight(g, x.Gpu, dy.Gpu, dw.Gpu, withBias ? db.Gpu : null);
                t.Close(dw, wCount, $"conv backward weight {g}");
                if (withBias) t.Close(db, bCount, $"conv backward bias {g}");
            });

        // the ReLU in the convolution's store against the cpu backend's two passes (Backend.Conv2dForwardRelu's default)
        foreach (var (e, bc, withBias) in new[] { (1, false, true), (2, false, false), (3, true, true) })
            yield return new($"conv2d + relu E{e}{(bc ? " broadcast input" : "")}{(withBias ? " with bias" : "")}", ["Conv2dForwardRelu"], t =>
            {
                var g = new ConvGeometry(e, t.Size(1, 9), t.Size(1, 24), t.Size(3, 20), t.Size(3, 20), t.Size(1, 100), 3, 3,
                    t.Int(1, 3), t.Int(1, 3), 1, 1, bc);
                long xCount = (bc ? 1 : g.E) * g.N * g.InputImage, yCount = (long)g.E * g.N * g.OutputImage;
                var x = t.BothRand(xCount);
                var w = t.BothRand(g.E * g.WeightMember);
                var bias = t.BothRand((long)g.E * g.O);
                var y = t.Poisoned(yCount);
                t.C.Conv2dForwardRelu(g, x.Cpu, w.Cpu, withBias ? bias.Cpu : null, y.Cpu);
                t.G.Conv2dForwardRelu(g, x.Gpu, w.Gpu, withBias ? bias.Gpu : null, y.Gpu);
                var expected = Checker.Down(t.C, y.Cpu, yCount);
                t.True(expected.Any(v => v == 0f) && expected.Any(v => v > 0f), $"{g}: the ReLU cuts no value or all of them");
                t.Close(y, yCount, $"conv + relu {g}");
                // and the same kernel without the ReLU keeps the negative values
                var plain = t.Poisoned(yCount);
                t.G.Conv2dForward(g, x.Gpu, w.Gpu, withBias ? bias.Gpu : null, plain.Gpu);
                t.True(Checker.Down(t.G, plain.Gpu, yCount).Any(v => v < 0f), $"{g}: the plain convolution applied a ReLU");
            });
    }

    /// <summary>
    /// op(A)·op(B) on both backends from the same random operands (NaN with <paramref name="nanOperands"/>), C's [m, n]
    /// blocks poisoned with NaN when beta = 0 (the kernel must not read them), then the blocks compared; everything of C
    /// outside the blocks (the offset, the padding columns of ldc) holds a sentinel that neither backend may change.
    /// </summary>
    public static void CheckGemm(Checker t, bool transA, bool transB, int m, int n, int k, int batch, float alpha, float beta,
        GemmBroadcast broadcast, bool nanOperands = false)
    {
        int lda = (transA ? m : k) + t.Int(0, 3), ldb = (transB ? k : n) + t.Int(0, 3), ldc = n + t.Int(0, 3);
        long aSize = (long)lda * (transA ? k : m), bSize = (long)ldb * (transB ? n : k), cSize = (long)ldc * m;
        long strideA = broadcast == GemmBroadcast.A ? 0 : aSize, strideB = broadcast == GemmBroadcast.B ? 0 : bSize, strideC = cSize;
        int offA = t.Int(0, 5), offB = t.Int(0, 5), offC = t.Int(0, 5);
        long aCount = offA + aSize * (broadcast == GemmBroadcast.A ? 1 : batch), bCount = offB + bSize * (broadcast == GemmBroadcast.B ? 1 : batch);
        long cCount = offC + cSize * batch;
        var a = nanOperands ? t.Poisoned(aCount) : t.BothRand(aCount);
        var b = nanOperands ? t.Poisoned(bCount) : t.BothRand(bCount);
        var inBlock = new bool[cCount];
        for (int bi = 0; bi < batch; bi++)
            for (int i = 0; i < m; i++)
                for (int j = 0; j < n; j++)
                    inBlock[offC + bi * strideC + (long)i * ldc + j] = true;
        const float sentinel = -12345.5f;
        var c0 = t.Rand(cCount);
        for (long i = 0; i < cCount; i++) c0[i] = !inBlock[i] ? sentinel : beta == 0f ? float.NaN : c0[i];
        var c = t.Both(c0);
        t.C.Gemm(transA, transB, m, n, k, alpha, a.Cpu, offA, lda, strideA, b.Cpu, offB, ldb, strideB, beta, c.Cpu, offC, ldc, strideC, batch);
        t.G.Gemm(transA, transB, m, n, k, alpha, a.Gpu, offA, lda, strideA, b.Gpu, offB, ldb, strideB, beta, c.Gpu, offC, ldc, strideC, batch);
        string what = $"gemm {(transA ? "T" : "N")}{(transB ? "T" : "N")} {m}x{n}x{k} batch {batch} broadcast {broadcast} alpha {alpha} beta {beta} ldc {ldc} offset {offC}";
        var ec = Checker.Down(t.C, c.Cpu, cCount);
        var gc = Checker.Down(t.G, c.Gpu, cCount);
        var e = new List<float>();
        var g = new List<float>();
        for (long i = 0; i < cCount; i++)
        {
            if (inBlock[i])
            {
                if (float.IsNaN(ec[i])) throw t.Fail($"{what}: the cpu backend left C at {i} unwritten");
                e.Add(ec[i]);
                g.Add(gc[i]);
                continue;
            }
            if (ec[i] != sentinel) throw t.Fail($"{what}: cpu wrote {ec[i]} outside the output, at {i}");
            if (gc[i] != sentinel) throw t.Fail($"{what}: {t.Gpu.Name} wrote {gc[i]} outside the output, at {i}");
        }
        t.Close(e.ToArray(), g.ToArray(), what);
    }

    /// <summary>
    /// The data gradient against the cpu backend, dX poisoned with NaN, on the path the backend picks and, on the ILGPU
    /// backend, on every other path that can take the geometry: the tile kernel (FewChannelLimit = 0,
    /// DataGradientAsForward off) and for stride 1 the forward kernel on flipped weights.
    /// </summary>
    public static void CheckBackwardData(Checker t, ConvGeometry g, (FloatBuffer Cpu, FloatBuffer Gpu) dy, (FloatBuffer Cpu, FloatBuffer Gpu) w)
    {
        long xCount = (g.BroadcastInput ? 1 : g.E) * g.N * g.InputImage;
        var dx = t.Poisoned(xCount);
        t.C.Conv2dBackwardData(g, dy.Cpu, w.Cpu, dx.Cpu);
        t.G.Conv2dBackwardData(g, dy.Gpu, w.Gpu, dx.Gpu);
        if (t.G is not IlgpuBackend gpu)
        {
            t.Close(dx, xCount, $"conv backward data {g}");
            return;
        }
        string path = gpu.UsesFewChannelKernel(g) ? "few-channel" : gpu.UsesForwardForDataGradient(g) ? "forward on flipped weights" : "tile";
        t.Close(dx, xCount, $"conv backward data ({path} kernel) {g}");
        int limit = gpu.FewChannelLimit;
        bool asForward = gpu.DataGradientAsForward;
        try
        {
            gpu.FewChannelLimit = 0;
            gpu.DataGradientAsForward = false;
            t.True(!gpu.UsesFewChannelKernel(g) && !gpu.UsesForwardForDataGradient(g), "the tile kernel cannot be forced");
            var tiled = t.Poisoned(xCount);
            t.G.Conv2dBackwardData(g, dy.Gpu, w.Gpu, tiled.Gpu);
            t.Close(dx.Cpu, tiled.Gpu, xCount, $"conv backward data (tile kernel) {g}");
            gpu.DataGradientAsForward = true;
            if (gpu.UsesForwardForDataGradient(g))
            {
                var flipped = t.Poisoned(xCount);
                t.G.Conv2dBackwardData(g, dy.Gpu, w.Gpu, flipped.Gpu);
                t.Close(dx.Cpu, flipped.Gpu, xCount, $"conv backward data (forward on flipped weights) {g}");
            }
        }
        finally
        {
            gpu.FewChannelLimit = limit;
            gpu.DataGradientAsForward = asForward;
        }
    }
}
