using FastRobust.Random;
using FastRobust.Tensors;

namespace FastRobust.Autograd;

public static partial class Ops
{
    /// <summary>
    /// Inverted dropout: zeroes each element with probability p and scales the rest by 1/(1 − p). The mask
    /// comes from <paramref name="rng"/>, so the same seed gives the same masks on every backend.
    /// </summary>
    public static Tensor Dropout(Tensor x, float p, bool training, PhiloxStream rng)
    {
        if (p < 0f || p >= 1f) throw new ArgumentOutOfRangeException(nameof(p), p, "dropout probability must be in [0, 1)");
        if (!training || p == 0f) return x;
        var y = Like(x);
        var mask = Like(x);
        x.B.DropoutForward(x.Buffer, y.Buffer, mask.Buffer, x.Count, p, rng.Seed, rng.Stream, rng.Take(x.Count));
        return Tape.Record(y, "dropout", [x], (g, sink) =>
        {
            var dx = Like(x);
            x.B.Binary(BinaryOp.Mul, g.Buffer, mask.Buffer, dx.Buffer, x.Count);
            sink.Add(x, dx);
        });
    }
}
