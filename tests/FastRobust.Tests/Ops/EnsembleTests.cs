using FastRobust.Autograd;
using FastRobust.Tensors;
using FastRobust.Tests.OpsTests.Reference;
using FastRobust.Tests.OpsTests.Support;
using Xunit;

namespace FastRobust.Tests.OpsTests;

/// <summary>
/// The ensemble dimension E: Conv2d, Linear and BatchNorm2d with weights [E, ...] must make member e exactly the
/// single-model op with weights w[e], forward and backward, whether the input is [E, N, ...] or one [N, ...]
/// shared by all members (whose gradient is then the sum over the members). Checked twice: against finite
/// differences of the per-member reference, and against the engine's own single-model op.
/// </summary>
public class EnsembleTests
{
    private const int E = 3;

    private static double[] Member(double[] a, int e, int size) => a.AsSpan(e * size, size).ToArray();

    private static double[] Concat(IEnumerable<double[]> parts) => parts.SelectMany(p => p).ToArray();

    /// <summary>
    /// Runs the ensemble op and, per member, the single-model op on the member's slices with the member's slice of
    /// the same output gradient; asserts outputs and every gradient agree (broadcast input: sum over members).
    /// op(x, weights, member) gets member −1 for the ensemble call.
    /// </summary>
    private static void MembersMatchSingleModel(float[] x, int[] xShape, bool broadcast, float[][] ws, int[][] wShapes,
        Func<Tensor, Tensor[], int, Tensor> op, int seed)
    {
        var r = new System.Random(seed);
        using var scope = new TensorScope();
        var xt = Tensor.FromArray(x, xShape);
        xt.RequiresGrad = true;
        var wts = ws.Select((w, i) => { var t = Tensor.FromArray(w, wShapes[i]); t.RequiresGrad = true; return t; }).ToArray();
        var y = op(xt, wts, -1);
        Assert.Equal(E, y.Shape[0]);
        var yv = y.ToArray();
        var g = Check.Uniform(r, yv.Length);
        Tape.Backward(y, Tensor.FromArray(g, y.Shape));
        var dx = xt.Grad!.ToArray();
        var dws = wts.Select(t => t.Grad!.ToArray()).ToArray();

        long ySize = yv.Length / E, xSize = broadcast ? x.Length : x.Length / E;
        var dxSum = new double[xSize];
        for (int e = 0; e < E; e++)
        {
            var xe = Tensor.FromArray(Check.Slice(x, broadcast ? 0 : e * xSize, xSize), broadcast ? xShape : xShape[1..]);
            xe.RequiresGrad = true;
            var we = ws.Select((w, i) =>
            {
                long size = w.Length / E;
                var t = Tensor.FromArray(Check.Slice(w, e * size, size), wShapes[i][1..]);
                t.RequiresGrad = true;
                return t;
            }).ToArray();
            var ye = op(xe, we, e);
            Check.Close($"member {e} output", Check.D(ye.ToArray()), Check.Slice(yv, e * ySize, ySize), 1e-6, 0.01);
            Tape.Backward(ye, Tensor.FromArray(Check.Slice(g, e * ySize, ySize), ye.Shape));
            var dxe = xe.Grad!.ToArray();
            if (broadcast) for (int i = 0; i < xSize; i++) dxSum[i] += dxe[i];
            else Check.Close($"member {e} d/dx", Check.D(dxe), Check.Slice(dx, e * xSize, xSize), 1e-5, 0.01);
            for (int i = 0; i < ws.Length; i++)
            {
                long size = ws[i].Length / E;
                Check.Close($"member {e} d/d(weight {i})", Check.D(we[i].Grad!.ToArray()), Check.Slice(dws[i], e * size, size), 1e-5, 0.01);
            }
        }
        if (broadcast) Check.Close("broadcast input: d/dx is the sum over members", dxSum, dx, 1e-5, 0.01);
    }

    // small maps; and a layer large enough to take the parallel (chunked) conv paths with several im2col groups
    [Theory]
    [InlineData(false, 2, 3, 7, 5, 4, 3, 2, 1, 1)]
    [InlineData(true, 2, 3, 7, 5, 4, 3, 2, 1, 2)]
    [InlineData(true, 1, 3, 7, 5, 4, 1, 1, 0, 3)]
    [InlineData(false, 4, 4, 12, 12, 16, 3, 1, 1, 4, 10)]
    [InlineData(true, 4, 4, 12, 12, 16, 3, 1, 1, 5, 10)]
    public void Conv2d(bool broadcast, int n, int c, int h, int w, int o, int k, int s, int p, int seed, int maxFd = 60)
    {
        var r = new System.Random(seed);
        int[] xShape = broadcast ? [n, c, h, w] : [E, n, c, h, w];
        var x = Check.Uniform(r, (int)Tensor.Numel(xShape));
        var wt = Check.Uniform(r, E * o * c * k * k, -0.5, 0.5);
        var b = Check.Uniform(r, E * o);
        int oh = (h + 2 * p - k) / s + 1, ow = (w + 2 * p - k) / s + 1;
        int xSize = n * c * h * w, wSize = o * c * k * k;
        GradCheck.Run($"ensemble conv2d broadcast={broadcast}", [new(x, xShape), new(wt, [E, o, c, k, k]), new(b, [E, o])],
            t => Ops.Conv2d(t[0], t[1], t[2], s, p),
            d => Concat(Enumerable.Range(0, E).Select(e => Ref.Conv2d(broadcast ? d[0] : Member(d[0], e, xSize), n, c, h, w,
                Member(d[1], e, wSize), o, k, k, Member(d[2], e, o), s, s, p, p, out _, out _))),
            seed, outShape: [E, n, o, oh, ow], maxFd: maxFd);
        MembersMatchSingleModel(x, xShape, broadcast, [wt, b], [[E, o, c, k, k], [E, o]],
            (xt, ws, _) => Ops.Conv2d(xt, ws[0], ws[1], s, p), seed);
    }

    // E = 3 (batched GEMM, one product per core), a product big enough to be split across the cores instead,
    // and E = 5
    [Theory]
    [InlineData(false, 5, 7, 4, 3, 1)]
    [InlineData(true, 5, 7, 4, 3, 2)]
    [InlineData(false, 64, 80, 64, 3, 3, 10)]
    [InlineData(true, 64, 80, 64, 3, 4, 10)]
    [InlineData(true, 2, 3, 2, 5, 5)]
    public void Linear(bool broadcast, int n, int inF, int o, int e, int seed, int maxFd = 60)
    {
        var r = new System.Random(seed);
        int[] xShape = broadcast ? [n, inF] : [e, n, inF];
        var x = Check.Uniform(r, (int)Tensor.Numel(xShape));
        var w = Check.Uniform(r, e * o * inF, -0.3, 0.3);
        var b = Check.Uniform(r, e * o);
        GradCheck.Run($"ensemble linear broadcast={broadcast} e{e}", [new(x, xShape), new(w, [e, o, inF]), new(b, [e, o])],
            t => Ops.Linear(t[0], t[1], t[2]),
            d => Concat(Enumerable.Range(0, e).Select(m => Ref.Linear(broadcast ? d[0] : Member(d[0], m, n * inF), n, inF,
                Member(d[1], m, o * inF), o, Member(d[2], m, o)))),
            seed, outShape: [e, n, o], maxFd: maxFd);
        if (e == E)
            MembersMatchSingleModel(x, xShape, broadcast, [w, b], [[e, o, inF], [e, o]], (xt, ws, _) => Ops.Linear(xt, ws[0], ws[1]), seed);
    }

    // training and eval, input per member or shared by the members
    [Theory]
    [InlineData(true, false, 1)]
    [InlineData(false, false, 2)]
    [InlineData(true, true, 3)]
    [InlineData(false, true, 4)]
    public void BatchNorm2d(bool training, bool broadcast, int seed)
    {
        var r = new System.Random(seed);
        int n = 3, c = 4, h = 7, w = 5, hw = h * w, xSize = n * c * hw;
        int[] xShape = broadcast ? [n, c, h, w] : [E, n, c, h, w];
        var x = Check.Uniform(r, broadcast ? xSize : E * xSize, -1, 3);
        var gamma = Check.Uniform(r, E * c, 0.5, 1.5);
        var beta = Check.Uniform(r, E * c);
        var rm = Check.Uniform(r, E * c);
        var rv = Check.Uniform(r, E * c, 0.5, 2);
        double[] Xe(double[] d, int e) => broadcast ? d : Member(d, e, xSize);
        GradCheck.Run($"ensemble batchnorm training={training} broadcast={broadcast}", [new(x, xShape), new(gamma, [E, c]), new(beta, [E, c])],
            t => Ops.BatchNorm2d(t[0], t[1], t[2], Tensor.FromArray(rm, [E, c]), Tensor.FromArray(rv, [E, c]), training),
            d => Concat(Enumerable.Range(0, E).Select(e => training
                ? Ref.BatchNormTrain(Xe(d[0], e), n, c, hw, Member(d[1], e, c), Member(d[2], e, c), 1e-5,
                    Member(Check.D(rm), e, c), Member(Check.D(rv), e, c), 0.1, out _, out _)
                : Ref.BatchNormEval(Xe(d[0], e), n, c, hw, Member(d[1], e, c), Member(d[2], e, c),
                    Member(Check.D(rm), e, c), Member(Check.D(rv), e, c), 1e-5))),
            seed, outShape: [E, n, c, h, w], fwdRtol: 1e-4, bwdRtol: 2e-3, bwdFloor: 0.05, maxFd: 120);
        MembersMatchSingleModel(x, xShape, broadcast, [gamma, beta], [[E, c], [E, c]],
            (xt, ws, m) =>
            {
                // fresh running statistics per call: all of them, or the member's slice
                var rmT = m < 0 ? Tensor.FromArray(rm, [E, c]) : Tensor.FromArray(rm.AsSpan(m * c, c), [c]);
                var rvT = m < 0 ? Tensor.FromArray(rv, [E, c]) : Tensor.FromArray(rv.AsSpan(m * c, c), [c]);
                return Ops.BatchNorm2d(xt, ws[0], ws[1], rmT, rvT, training);
            }, seed);

        // per-member running statistics in training mode
        if (training)
        {
            using var scope = new TensorScope();
            var rmT = Tensor.FromArray(rm, [E, c]);
            var rvT = Tensor.FromArray(rv, [E, c]);
            Ops.BatchNorm2d(Tensor.FromArray(x, xShape), Tensor.FromArray(gamma, [E, c]), Tensor.FromArray(beta, [E, c]), rmT, rvT, true);
            for (int e = 0; e < E; e++)
            {
                Ref.BatchNormTrain(Xe(Check.D(x), e), n, c, hw, Member(Check.D(gamma), e, c), Member(Check.D(beta), e, c), 1e-5,
                    Member(Check.D(rm), e, c), Member(Check.D(rv), e, c), 0.1, out var em, out var ev);
                Check.Close($"member {e} running mean", em, Check.Slice(rmT.ToArray(), e * c, c), 1e-5);
                Check.Close($"member {e} running var", ev, Check.Slice(rvT.ToArray(), e * c, c), 1e-5);
            }
        }
    }
}
