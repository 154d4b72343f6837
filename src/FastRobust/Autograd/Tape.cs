using FastRobust.Tensors;
using FastRobust.Util;

namespace FastRobust.Autograd;

/// <summary>Runs the backward pass over the recorded graph.</summary>
public static class Tape
{
    /// <summary>Records the op that produced <paramref name="output"/> when grad mode is on and any input needs a gradient.</summary>
    internal static Tensor Record(Tensor output, string name, Tensor[] inputs, Action<Tensor, GradSink> backward)
    {
        if (!GradMode.Enabled) return output;
        foreach (var t in inputs)
        {
            if (t.NeedsGrad)
            {
                output.GradFn = new Node(name, inputs, backward);
                return output;
            }
        }
        return output;
    }

    /// <summary>
    /// Backpropagates from <paramref name="root"/> (a one-element loss unless <paramref name="gradRoot"/> is given)
    /// and accumulates into the .Grad of every leaf that requires grad and is reachable. Weight gradients are
    /// never computed for parameters whose RequiresGrad is off: an attack turns them off and pays for ∂/∂input only.
    /// The graph is freed afterwards.
    /// </summary>
    public static void Backward(Tensor root, Tensor? gradRoot = null)
    {
        if (!root.NeedsGrad) throw new InvalidOperationException("backward on a tensor that does not require grad");
        if (gradRoot is null && root.Count != 1)
            throw new InvalidOperationException($"backward needs a gradient for a non-scalar root of shape {Tensor.ShapeString(root.Shape)}");

        var order = TopologicalOrder(root);
        var sink = new GradSink();
        using (GradMode.NoGrad())
        {
            var seed = gradRoot ?? Tensor.Ones(root.Shape, root.Device);
            sink.Add(root, seed);
            for (int i = order.Count - 1; i >= 0; i--)
            {
                var t = order[i];
                var g = sink.Take(t);
                if (g is null) continue;
                if (t.GradFn is { } node)
                {
                    long t0 = OpProfiler.Start();
                    using (new TensorScope()) node.Backward(g, sink);
                    OpProfiler.Stop(node.Name + ".backward", t0);
                    g.Dispose();
                }
                else AccumulateLeaf(t, g);
            }
            sink.DisposeAll();
        }
        foreach (var t in order) t.GradFn = null;
    }

    private static void AccumulateLeaf(Tensor leaf, Tensor g)
    {
        if (!leaf.RequiresGrad)
        {
            g.Dispose();
            return;
        }
        if (leaf.Grad is null || leaf.Grad.IsDisposed)
        {
            leaf.Grad = g;
            return;
        }
        if (leaf.Grad.Buffer.IsExclusive)
        {
            leaf.B.Binary(BinaryOp.Add, leaf.Grad.Buffer, g.Buffer, leaf.Grad.Buffer, g.Count);
            g.Dispose();
            return;
        }
        // the old gradient shares storage with another tensor: never write through it
        var sum = Tensor.Empty(leaf.Shape, leaf.Device).KeepAlive();
        leaf.B.Binary(BinaryOp.Add, leaf.Grad.Buffer, g.Buffer, sum.Buffer, g.Count);
        leaf.Grad.Dispose();
        g.Dispose();
        leaf.Grad = sum;
    }

    /// <summary>Tensors reachable from root, each after all tensors it depends on (inputs first).</summary>
    private static List<Tensor> TopologicalOrder(Tensor root)
    {
        var order = new List<Tensor>();
        var seen = new HashSet<Tensor>(ReferenceEqualityComparer.Instance);
        var stack = new Stack<(Tensor t, int next)>();
        stack.Push((root, 0));
        seen.Add(root);
        while (stack.Count > 0)
        {
            var (t, next) = stack.Pop();
            var inputs = t.GradFn?.Inputs ?? [];
            if (next < inputs.Length)
            {
                stack.Push((t, next + 1));
                var child = inputs[next];
                if (child.NeedsGrad && seen.Add(child)) stack.Push((child, 0));
            }
            else order.Add(t);
        }
        return order;
    }
}
