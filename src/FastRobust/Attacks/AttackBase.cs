using FastRobust.Autograd;
using FastRobust.Nn;
using FastRobust.Random;
using FastRobust.Tensors;
using FastRobust.Util;

namespace FastRobust.Attacks;

/// <summary>
/// What every attack shares: validation, batching, the clean forward pass (which samples are attacked, least-likely
/// targets), target resolution, the final forward pass that judges success on the returned images, and the norms
/// of the perturbations. Subclasses implement <see cref="Attack"/> on one batch.
/// </summary>
public abstract class AttackBase : IAttack
{
    public abstract string Name { get; }
    public abstract ThreatNorm Norm { get; }
    public virtual bool SupportsTargeted => true;

    /// <summary>Whether <see cref="AttackOptions.AllSamples"/> is defined for this attack (the bounded gradient attacks and gaussian).</summary>
    public virtual bool SupportsAllSamples => false;

    /// <summary>deepfool and cw: ε is optional, and a bounded run projects the found perturbation onto the ε-ball.</summary>
    protected virtual bool MinimalPerturbation => false;

    /// <summary>Samples per device batch (deepfool replicates each sample per candidate class).</summary>
    protected virtual int BatchSize(AttackOptions o) => o.Batch;

    /// <summary>Fills in defaults and checks the settings; throws <see cref="InputException"/> when they are invalid.</summary>
    public AttackOptions Resolve(AttackOptions o)
    {
        o.ValidateCommon(this);
        if (o.AllSamples && !SupportsAllSamples)
            throw new InputException($"{Name} does not perturb every sample: --all-samples is defined for fgsm, bim, pgd, pgd-l2 and gaussian");
        // every sample goes through every step: a clean-misclassified sample would otherwise stop at step 0
        if (o.AllSamples) o = o with { EarlyStop = false };
        return ResolveSpecific(o);
    }

    /// <summary>Attack-specific defaults and checks; the result has Epsilon, StepSize and Steps set where the attack uses them.</summary>
    protected abstract AttackOptions ResolveSpecific(AttackOptions o);

    /// <summary>The effective settings worth recording, as a JSON object.</summary>
    protected abstract string Describe(AttackOptions o);

    /// <summary>Attacks the rows b.AttackedRows and writes the result rows into b.Adversarial.</summary>
    internal abstract void Attack(AttackBatch b);

    public AttackResult Run(Model model, Tensor x, IntTensor y, AttackOptions options, PhiloxStream rng)
    {
        var o = Resolve(options);
        int n = CheckInputs(model, x, y, o);
        int[] labels = y.ToArray();
        for (int i = 0; i < n; i++)
            if ((uint)labels[i] >= (uint)model.Spec.Classes)
                throw new InputException($"label {labels[i]} at index {i} is outside the model's {model.Spec.Classes} classes");
        int[]? given = null;
        if (o.Target == TargetMode.Given)
        {
            given = o.TargetLabels!;
            if (given.Length != 1 && given.Length != n)
                throw new InputException($"{given.Length} target labels for {n} samples (give one for all, or one per sample)");
            for (int i = 0; i < given.Length; i++)
                if ((uint)given[i] >= (uint)model.Spec.Classes)
                    throw new InputException($"target {given[i]} at index {i} is outside the model's {model.Spec.Classes} classes");
        }
        CheckSpecific(model, o);

        var dev = model.Device;
        int size = (int)(x.Count / Math.Max(1, n));
        var adversarial = Tensor.Empty(x.Shape, dev).KeepAlive();
        var result = new AttackResult(Name, Norm, o.Epsilon, Describe(o), adversarial, labels,
            o.Target == TargetMode.None ? null : new int[n]) { SampleOffset = o.SampleOffset };
        var saved = model.Trainable.Select(p => p.Value.RequiresGrad).ToArray();
        model.SetRequiresGrad(false);
        try
        {
            int batch = Math.Max(1, BatchSize(o));
            for (int start = 0; start < n; start += batch)
            {
                int count = Math.Min(batch, n - start);
                RunBatch(model, x, labels, given, o, rng, result, start, count, size);
            }
        }
        catch
        {
            result.Dispose();
            throw;
        }
        finally
        {
            int k = 0;
            foreach (var p in model.Trainable) p.Value.RequiresGrad = saved[k++];
        }
        return result;
    }

    /// <summary>Checks that depend on the model (e.g. random-l0's pixel budget against the image size).</summary>
    protected virtual void CheckSpecific(Model model, AttackOptions o) { }

    private static int CheckInputs(Model model, Tensor x, IntTensor y, AttackOptions o)
    {
        var want = model.Spec.Input;
        if (x.Rank != 4 || x.Shape[1] != want[0] || x.Shape[2] != want[1] || x.Shape[3] != want[2])
            throw new InputException($"images of shape {Tensor.ShapeString(x.Shape)}, but the model takes [N, {want[0]}, {want[1]}, {want[2]}]");
        if (x.Device != model.Device || y.Device != model.Device)
            throw new ArgumentException($"images on {x.Device} and labels on {y.Device}, the model on {model.Device}");
        if (y.Length != x.Shape[0]) throw new InputException($"{y.Length} labels for {x.Shape[0]} images");
        if (model.Members != 1) throw new ArgumentException("attacks run on a single model, not an ensemble");
        return x.Shape[0];
    }

    private void RunBatch(Model model, Tensor x, int[] labels, int[]? given, AttackOptions o, PhiloxStream rng,
        AttackResult result, int start, int count, int size)
    {
        var dev = model.Device;
        var be = dev.Backend;
        int k = model.Spec.Classes;
        using var xb = Tensor.Empty([count, .. x.Shape[1..]], dev).KeepAlive();
        be.Copy(x.Buffer, (long)start * size, xb.Buffer, 0, (long)count * size);
        var lb = labels.AsSpan(start, count).ToArray();

        float[] cleanLogits;
        using (new TensorScope())
            cleanLogits = InputGradient.Logits(model, xb).ToArray();
        var cleanPred = ArgMaxRows(cleanLogits, count, k);
        int[]? targets = o.Target switch
        {
            TargetMode.None => null,
            TargetMode.Given => Enumerable.Range(0, count).Select(i => given!.Length == 1 ? given[0] : given[start + i]).ToArray(),
            TargetMode.Random => Enumerable.Range(0, count).Select(i => RandomTarget(rng, o.SampleOffset + start + i, lb[i], k)).ToArray(),
            TargetMode.LeastLikely => Enumerable.Range(0, count).Select(i => ArgMin(cleanLogits.AsSpan(i * k, k))).ToArray(),
            _ => throw new ArgumentOutOfRangeException(nameof(o)),
        };

        using var b = new AttackBatch(model, xb, lb, targets, cleanPred, cleanLogits, o.SampleOffset + start, o, rng);
        if (b.AttackedRows.Length > 0 && !(Norm != ThreatNorm.None && o.Epsilon == 0f)) Attack(b);
        if (MinimalPerturbation && o.Epsilon is float eps) ProjectL2(b, eps);

        int[] finalPred;
        using (new TensorScope())
            finalPred = InputGradient.Predictions(InputGradient.Logits(model, b.Adversarial));
        var norms = PerturbationNorms.Compute(b.Adversarial, xb);
        be.Copy(b.Adversarial.Buffer, 0, result.Adversarial.Buffer, (long)start * size, (long)count * size);
        var attacked = new bool[count];
        foreach (int r in b.AttackedRows) attacked[r] = true;
        for (int i = 0; i < count; i++)
        {
            int j = start + i;
            result.CleanPrediction[j] = cleanPred[i];
            result.Prediction[j] = finalPred[i];
            if (targets is not null) result.Targets![j] = targets[i];
            result.Attacked[j] = attacked[i];
            result.Success[j] = b.IsAdversarial(i, finalPred[i]);
            result.Steps[j] = b.Steps[i];
            result.Queries[j] = b.Queries[i];
            result.Gradients[j] = b.Gradients[i];
            result.L0[j] = norms.L0[i];
            result.L1[j] = norms.L1[i];
            result.L2[j] = norms.L2[i];
            result.Linf[j] = norms.Linf[i];
        }
    }

    /// <summary>Foolbox's clip_perturbation for L2: δ ← δ·min(1, ε/‖δ‖₂), so a minimal-perturbation result is judged inside the ball.</summary>
    private static void ProjectL2(AttackBatch b, float eps)
    {
        using var scope = new TensorScope();
        var be = b.B;
        int n = b.N;
        var delta = Ops.Sub(b.Adversarial, b.X);
        var sq = Ops.ReduceRows(delta, RowReduce.SumSquares).ToArray();
        var factor = new float[n];
        for (int i = 0; i < n; i++)
        {
            float norm = MathF.Sqrt(sq[i]);
            factor[i] = norm > eps ? eps / norm : 1f;
        }
        var f = Tensor.FromArray(factor, [n], b.Device);
        be.BinaryRow(BinaryOp.Mul, delta.Buffer, f.Buffer, delta.Buffer, n, delta.Count / n);
        be.Binary(BinaryOp.Add, b.X.Buffer, delta.Buffer, b.Adversarial.Buffer, delta.Count);
        be.Clamp(b.Adversarial.Buffer, b.Adversarial.Buffer, delta.Count, 0f, 1f);
    }

    /// <summary>Uniform over the classes other than the label (torchattacks' random target), keyed by the sample index.</summary>
    internal static int RandomTarget(PhiloxStream rng, long sample, int label, int classes)
    {
        uint u = Philox.Lane(rng.Seed, AttackRandom.Stream(rng, RandomPurpose.Target), (ulong)sample, 0);
        int t = Philox.Below(u, classes - 1);
        return t >= label ? t + 1 : t;
    }

    internal static int[] ArgMaxRows(float[] logits, int n, int k)
    {
        var p = new int[n];
        for (int i = 0; i < n; i++)
        {
            var row = logits.AsSpan(i * k, k);
            int best = 0;
            for (int j = 1; j < k; j++) if (row[j] > row[best]) best = j;
            p[i] = best;
        }
        return p;
    }

    private static int ArgMin(ReadOnlySpan<float> row)
    {
        int best = 0;
        for (int j = 1; j < row.Length; j++) if (row[j] < row[best]) best = j;
        return best;
    }
}
