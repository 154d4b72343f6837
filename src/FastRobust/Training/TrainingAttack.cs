using FastRobust.Attacks;
using FastRobust.Autograd;
using FastRobust.Nn;
using FastRobust.Random;
using FastRobust.Tensors;

namespace FastRobust.Training;

/// <summary>
/// The inner maximisation of adversarial training on a whole batch: every sample is perturbed through every step
/// (the all-samples rule of the attacks, with no early stopping), with the model in eval mode (batch norm uses its
/// running statistics, dropout is off) and without weight gradients. Random numbers come from one Philox stream in
/// fill order, so a run is reproducible on every backend. With an ensemble of E members the perturbation is
/// [E, N, C, H, W]: member e is attacked through its own gradients, from its own slice of the random start.
/// </summary>
public static class TrainingAttack
{
    /// <summary>TRADES' random start: x + 0.001·N(0, I) (Zhang et al.'s code, not clipped before the first step).</summary>
    public const float TradesStartScale = 0.001f;

    /// <summary>
    /// The perturbed batch for images <paramref name="x"/> [N, C, H, W] with labels <paramref name="y"/>, at radius
    /// <paramref name="eps"/> and step <paramref name="alpha"/> (the warm-up already applied). The result is detached
    /// and belongs to the current scope.
    /// </summary>
    public static Tensor Perturb(Model model, Tensor x, IntTensor y, RobustOptions o, float eps, float alpha, PhiloxStream rng)
    {
        var dev = model.Device;
        var be = dev.Backend;
        var x0 = Expand(x, model.Members);
        var adv = x0.Clone();
        int rows = model.Members * x.Shape[0];
        long count = adv.Count;
        switch (o.Method)
        {
            case AdversarialMethod.FgsmRs or AdversarialMethod.Pgd:
                RandomStart(adv, x0, rows, eps, o.L2, rng);
                break;
            case AdversarialMethod.Trades:
                using (var z = Tensor.Empty(adv.Shape, dev))
                {
                    be.FillNormal(z.Buffer, count, rng.Seed, rng.Stream, rng.Take(count), 0f, 1f);
                    be.Axpby(z.Buffer, adv.Buffer, count, TradesStartScale, 1f);
                }
                break;
        }
        Tensor? lo = null, hi = null, pClean = null;
        if (!o.L2)
        {
            lo = Tensor.Empty(adv.Shape, dev);
            hi = Tensor.Empty(adv.Shape, dev);
            be.Affine(x0.Buffer, lo.Buffer, count, 1f, -eps);
            be.Clamp(lo.Buffer, lo.Buffer, count, 0f, 1f);
            be.Affine(x0.Buffer, hi.Buffer, count, 1f, eps);
            be.Clamp(hi.Buffer, hi.Buffer, count, 0f, 1f);
        }
        if (o.Method == AdversarialMethod.Trades)
        {
            using var _ = GradMode.NoGrad();
            pClean = Ops.Softmax(model.Forward(x));
        }
        for (int t = 0; t < o.Steps!.Value; t++)
        {
            using var scope = new TensorScope();
            var g = pClean is null ? CrossEntropyGradient(model, adv, y) : KlGradient(model, adv, pClean);
            if (!o.L2)
            {
                be.Unary(UnaryOp.Sign, g.Buffer, g.Buffer, count);
                be.Axpby(g.Buffer, adv.Buffer, count, alpha, 1f);
                be.Binary(BinaryOp.Max, adv.Buffer, lo!.Buffer, adv.Buffer, count);
                be.Binary(BinaryOp.Min, adv.Buffer, hi!.Buffer, adv.Buffer, count);
            }
            else
            {
                var flat = g.View([rows, (int)(count / rows)]);
                var norm = ProjectedGradient.RowL2(flat);
                be.Affine(norm.Buffer, norm.Buffer, rows, 1f, 1e-10f);
                be.BinaryRow(BinaryOp.Div, g.Buffer, norm.Buffer, g.Buffer, rows, count / rows);
                be.Axpby(g.Buffer, adv.Buffer, count, alpha, 1f);
                ProjectedGradient.ProjectL2(be, adv.View([rows, (int)(count / rows)]), x0.View([rows, (int)(count / rows)]), eps);
            }
            g.Dispose();
        }
        if (o.Method == AdversarialMethod.Trades)
            be.Clamp(adv.Buffer, adv.Buffer, count, 0f, 1f); // with zero steps the start would be outside [0, 1]
        return adv;
    }

    /// <summary>x [N, ...] as [E, N, ...] (a copy per member) when E &gt; 1, else a copy of x.</summary>
    internal static Tensor Expand(Tensor x, int members)
    {
        if (members == 1) return x.Clone();
        var t = Tensor.Empty([members, .. x.Shape], x.Device);
        for (int e = 0; e < members; e++) x.Device.Backend.Copy(x.Buffer, 0, t.Buffer, e * x.Count, x.Count);
        return t;
    }

    /// <summary>
    /// L∞: x₀ + U(−ε, ε)ᴰ; L2: x₀ + ε·u·z/‖z‖₂ with z ~ N(0, I), u ~ U(0, 1) per sample (the attacks' random starts);
    /// both clipped to [0, 1].
    /// </summary>
    private static void RandomStart(Tensor adv, Tensor x0, int rows, float eps, bool l2, PhiloxStream rng)
    {
        var be = adv.Device.Backend;
        long count = adv.Count, cols = count / rows;
        using var scope = new TensorScope();
        var noise = Tensor.Empty(adv.Shape, adv.Device);
        if (!l2)
        {
            be.FillUniform(noise.Buffer, count, rng.Seed, rng.Stream, rng.Take(count), -eps, eps);
        }
        else
        {
            be.FillNormal(noise.Buffer, count, rng.Seed, rng.Stream, rng.Take(count), 0f, 1f);
            var norm = ProjectedGradient.RowL2(noise.View([rows, (int)cols]));
            var radius = Tensor.Empty([rows], adv.Device);
            be.FillUniform(radius.Buffer, rows, rng.Seed, rng.Stream, rng.Take(rows), 0f, eps);
            be.Binary(BinaryOp.Div, radius.Buffer, norm.Buffer, radius.Buffer, rows);
            be.BinaryRow(BinaryOp.Mul, noise.Buffer, radius.Buffer, noise.Buffer, rows, cols);
        }
        be.Binary(BinaryOp.Add, x0.Buffer, noise.Buffer, adv.Buffer, count);
        be.Clamp(adv.Buffer, adv.Buffer, count, 0f, 1f);
    }

    /// <summary>∂(Σ cross-entropy)/∂x at x (eval mode): each sample's (and member's) own gradient.</summary>
    private static Tensor CrossEntropyGradient(Model model, Tensor x, IntTensor y)
    {
        var leaf = x.Detach();
        leaf.RequiresGrad = true;
        var loss = Ops.CrossEntropy(model.Forward(leaf), y, Reduction.Sum);
        Tape.Backward(loss);
        var g = leaf.Grad ?? throw new InvalidOperationException("the input received no gradient");
        leaf.Grad = null;
        return g;
    }

    /// <summary>∂(Σ KL(p ‖ softmax f(x)))/∂x at x (eval mode): the logits' gradient is softmax f(x) − p.</summary>
    private static Tensor KlGradient(Model model, Tensor x, Tensor pClean)
    {
        var leaf = x.Detach();
        leaf.RequiresGrad = true;
        var logits = model.Forward(leaf);
        var seed = Ops.Softmax(logits);
        logits.Device.Backend.Binary(BinaryOp.Sub, seed.Buffer, pClean.Buffer, seed.Buffer, seed.Count);
        Tape.Backward(logits, seed);
        var g = leaf.Grad ?? throw new InvalidOperationException("the input received no gradient");
        leaf.Grad = null;
        return g;
    }
}
