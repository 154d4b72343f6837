using FastRobust.Tensors;

namespace FastRobust.Autograd;

/// <summary>
/// The differentiable ops: each computes its output through the device's backend and records its backward on
/// the tape. Shapes follow one rule for the ensemble dimension E: image tensors are [N, C, H, W] or
/// [E, N, C, H, W], feature tensors [N, F] or [E, N, F]; a weight with a leading E applied to an input
/// without one broadcasts the input to every member.
/// </summary>
public static partial class Ops
{
    internal static Tensor Like(Tensor t) => Tensor.Empty(t.Shape, t.Device);

    internal static void SameDevice(Tensor a, Tensor b, string op)
    {
        if (a.Device != b.Device) throw new ArgumentException($"{op}: tensors on {a.Device} and {b.Device}");
    }

    internal static void SameShape(Tensor a, Tensor b, string op)
    {
        SameDevice(a, b, op);
        if (!a.Shape.AsSpan().SequenceEqual(b.Shape))
            throw new ArgumentException($"{op}: shapes {Tensor.ShapeString(a.Shape)} and {Tensor.ShapeString(b.Shape)} differ");
    }

    /// <summary>A view with another shape over the same storage (one dimension may be -1); also x.Reshape(...).</summary>
    public static Tensor Reshape(this Tensor x, params int[] shape)
    {
        shape = (int[])shape.Clone();
        int infer = Array.IndexOf(shape, -1);
        if (infer >= 0)
        {
            long known = 1;
            for (int i = 0; i < shape.Length; i++) if (i != infer) known *= shape[i];
            if (known == 0 || x.Count % known != 0) throw new ArgumentException($"cannot reshape {Tensor.ShapeString(x.Shape)} to {Tensor.ShapeString(shape)}");
            shape[infer] = (int)(x.Count / known);
        }
        if (Tensor.Numel(shape) != x.Count)
            throw new ArgumentException($"cannot reshape {Tensor.ShapeString(x.Shape)} ({x.Count} values) to {Tensor.ShapeString(shape)}");
        var y = x.View(shape);
        return Tape.Record(y, "reshape", [x], (g, sink) => sink.Add(x, g));
    }

    /// <summary>Flattens every dimension from <paramref name="startDim"/> on into one.</summary>
    public static Tensor Flatten(Tensor x, int startDim)
    {
        var shape = new int[startDim + 1];
        for (int i = 0; i < startDim; i++) shape[i] = x.Shape[i];
        long rest = 1;
        for (int i = startDim; i < x.Rank; i++) rest *= x.Shape[i];
        shape[startDim] = checked((int)rest);
        return Reshape(x, shape);
    }
}
