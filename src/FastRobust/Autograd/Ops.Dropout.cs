using FastRobust.Random;
using FastRobust.Tensors;

namespace FastRobust.Autograd;

public static partial class Ops
{
    /// <summary>
    /// Inverted dropout: zeroes each element with probability p and scales the rest by 1/(1 − p). The mask
    /// comes from <paramref name="rng"/>, so the same seed gives the same masks on every backend.
    /// With <paramref name="sharedBy"/> = E &gt; 1, x is an ensemble's [E, ...] and every member gets the mask one model
    /// alone would draw from the same stream: a zoo trained as one ensemble then equals its members trained alone.
    /// </summary>
    public static Tensor Dropout(Tensor x, float p, bool training, PhiloxStream rng, int sharedBy = 1)
    {
        if (p < 0f || p >= 1f) throw new ArgumentOutOfRangeException(nameof(p), p, "dropout probability must be in [0, 1)");
        if (!training || p == 0f) return x;
        var y = Like(x);
        var mask = Like(x);
        if (sharedBy > 1)
        {
            if (x.Shape[0] != sharedBy) throw new ArgumentException($"dropout shared by {sharedBy} members needs x [{sharedBy}, ...], got {Tensor.ShapeString(x.Shape)}");
            long per = x.Count / sharedBy;
            // the mask of one member: dropout of ones, from the stream position a single model would use
            using var ones = Tensor.Empty([checked((int)per)], x.Device);
            using var one = Tensor.Empty([checked((int)per)], x.Device);
            x.B.Fill(ones.Buffer, 0, per, 1f);
            x.B.DropoutForward(ones.Buffer, one.Buffer, mask.Buffer, per, p, rng.Seed, rng.Stream, rng.Take(per));
            for (int e = 1; e < sharedBy; e++) x.B.Copy(mask.Buffer, 0, mask.Buffer, e * per, per);
            x.B.Binary(BinaryOp.Mul, x.Buffer, mask.Buffer, y.Buffer, x.Count);
        }
        else x.B.DropoutForward(x.Buffer, y.Buffer, mask.Buffer, x.Count, p, rng.Seed, rng.Stream, rng.Take(x.Count));
        return Tape.Record(y, "dropout", [x], (g, sink) =>
        {
            var dx = Like(x);
            x.B.Binary(BinaryOp.Mul, g.Buffer, mask.Buffer, dx.Buffer, x.Count);
            sink.Add(x, dx);
        });
    }
}
