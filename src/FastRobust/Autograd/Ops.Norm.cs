using FastRobust.Tensors;

namespace FastRobust.Autograd;

public static partial class Ops
{
    /// <summary>
    /// Per-channel affine map y = x·scale[c] + shift[c] with constant scale and shift (the "normalize" layer:
    /// scale = 1/std, shift = −mean/std). The channel axis is the third from the end.
    /// </summary>
    public static Tensor ChannelAffine(Tensor x, Tensor scale, Tensor shift)
    {
        int c = x.Shape[^3], inner = x.Shape[^2] * x.Shape[^1];
        int outer = (int)(x.Count / ((long)c * inner));
        if (scale.Count != c || shift.Count != c)
            throw new ArgumentException($"channel affine: {scale.Count} scales for {c} channels");
        var y = Like(x);
        x.B.ChannelAffine(x.Buffer, scale.Buffer, shift.Buffer, y.Buffer, outer, c, inner);
        return Tape.Record(y, "channel-affine", [x], (g, sink) =>
        {
            using var zero = Tensor.Zeros([c], x.Device);
            var dx = Like(x);
            x.B.ChannelAffine(g.Buffer, scale.Buffer, zero.Buffer, dx.Buffer, outer, c, inner);
            sink.Add(x, dx);
        });
    }

    /// <summary>
    /// Batch norm over x [N, C, H, W] (gamma [C]) or [E, N, C, H, W] (gamma [E, C]; an x [N, C, H, W] is then shared
    /// by the members, output [E, N, C, H, W]). In training mode it uses the
    /// batch statistics and updates runMean/runVar in place (momentum 0.1, unbiased variance, as PyTorch);
    /// in eval mode it uses the running statistics.
    /// </summary>
    public static Tensor BatchNorm2d(Tensor x, Tensor gamma, Tensor beta, Tensor runMean, Tensor runVar, bool training,
        float momentum = 0.1f, float eps = 1e-5f)
    {
        int e = gamma.Rank == 2 ? gamma.Shape[0] : 1;
        // the ensemble rule of Ops: parameters [E, C] on an input [N, C, H, W] broadcast it to every member
        if (e > 1 && x.Rank == 4) x = RepeatMembers(x, e);
        bool xHasE = x.Rank == 5;
        if (x.Rank is not (4 or 5) || x.Shape[^3] != gamma.Shape[^1] || (e > 1 && !xHasE) || (xHasE && x.Shape[0] != e))
            throw new ArgumentException($"batchnorm2d: input {Tensor.ShapeString(x.Shape)} does not fit parameters {Tensor.ShapeString(gamma.Shape)}");
        var g = new BatchNormGeometry(e, x.Shape[^4], x.Shape[^3], x.Shape[^2] * x.Shape[^1]);
        var y = Like(x);
        var be = x.B;
        if (!training)
        {
            be.BatchNormEvalForward(g, x.Buffer, gamma.Buffer, beta.Buffer, runMean.Buffer, runVar.Buffer, eps, y.Buffer);
            return Tape.Record(y, "batchnorm2d-eval", [x, gamma, beta], (gy, sink) =>
            {
                var dx = sink.Needs(x) ? Like(x) : null;
                var dgamma = sink.Needs(gamma) ? Like(gamma) : null;
                var dbeta = sink.Needs(beta) ? Like(beta) : null;
                be.BatchNormEvalBackward(g, x.Buffer, gy.Buffer, gamma.Buffer, runMean.Buffer, runVar.Buffer, eps, dx?.Buffer, dgamma?.Buffer, dbeta?.Buffer);
                if (dx != null) sink.Add(x, dx);
                if (dgamma != null) sink.Add(gamma, dgamma);
                if (dbeta != null) sink.Add(beta, dbeta);
            });
        }
        var mean = Tensor.Empty([e * g.C], x.Device);
        var inv = Tensor.Empty([e * g.C], x.Device);
        be.BatchNormTrainForward(g, x.Buffer, gamma.Buffer, beta.Buffer, y.Buffer, mean.Buffer, inv.Buffer, runMean.Buffer, runVar.Buffer, momentum, eps);
        return Tape.Record(y, "batchnorm2d", [x, gamma, beta], (gy, sink) =>
        {
            var dx = sink.Needs(x) ? Like(x) : null;
            var dgamma = sink.Needs(gamma) ? Like(gamma) : null;
            var dbeta = sink.Needs(beta) ? Like(beta) : null;
            be.BatchNormBackward(g, x.Buffer, gy.Buffer, gamma.Buffer, mean.Buffer, inv.Buffer, dx?.Buffer, dgamma?.Buffer, dbeta?.Buffer);
            if (dx != null) sink.Add(x, dx);
            if (dgamma != null) sink.Add(gamma, dgamma);
            if (dbeta != null) sink.Add(beta, dbeta);
        });
    }

    /// <summary>x [N, ...] repeated for E members as [E, N, ...]; its gradient is the sum over the members.</summary>
    private static Tensor RepeatMembers(Tensor x, int e)
    {
        var y = Tensor.Empty([e, .. x.Shape], x.Device);
        for (int m = 0; m < e; m++) x.B.Copy(x.Buffer, 0, y.Buffer, m * x.Count, x.Count);
        return Tape.Record(y, "repeat-members", [x], (g, sink) =>
        {
            var dx = Like(x);
            x.B.SumMiddle(g.Buffer, dx.Buffer, 1, e, checked((int)x.Count), false);
            sink.Add(x, dx);
        });
    }
}
