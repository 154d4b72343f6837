using FastRobust.Autograd;
using FastRobust.Data;
using FastRobust.Nn;
using FastRobust.Tensors;

namespace FastRobust.Measures;

/// <summary>
/// S perturbed copies of one model held as a single ensemble (members = S), so that a sharpness search evaluates
/// all its samples in the same launches. Running statistics are copied from the model into every member; the
/// trainable parameters are rewritten on the device before each evaluation, w + noise per member, by one random
/// fill and one fused multiply-add (<see cref="Backend.ChannelAffine"/> with the parameter as the channel axis).
/// </summary>
public sealed class PerturbedEnsemble : IDisposable
{
    private readonly Backend _be;

    /// <param name="sequential">evaluate the members one model at a time (same numbers, for speed comparisons)</param>
    public PerturbedEnsemble(Model model, int members, bool sequential = false)
    {
        Sequential = sequential;
        if (model.Members != 1) throw new ArgumentException("perturb a single model");
        Base = model;
        Members = members;
        Ensemble = Model.Create(model.Spec, model.Device, 0, members);
        _be = model.Device.Backend;
        for (int i = 0; i < model.Parameters.Count; i++)
        {
            var src = model.Parameters[i];
            for (int e = 0; e < members; e++)
                _be.Copy(src.Value.Buffer, 0, Ensemble.Parameters[i].Value.Buffer, e * src.MemberCount, src.MemberCount);
        }
        Trainable = Enumerable.Range(0, model.Parameters.Count).Where(i => model.Parameters[i].Trainable).ToArray();
    }

    public bool Sequential { get; }

    public Model Base { get; }
    public Model Ensemble { get; }
    public int Members { get; }

    /// <summary>Indices (into Parameters) of the perturbed parameters, in order; noise stream k belongs to the k-th.</summary>
    public int[] Trainable { get; }

    public Parameter BaseParameter(int k) => Base.Parameters[Trainable[k]];
    public Parameter MemberParameter(int k) => Ensemble.Parameters[Trainable[k]];

    /// <summary>
    /// Member e, parameter k, element j becomes w[j] + std[j]·z with z = Philox.Normal(seed, streams(k), 0, e·P_k + j).
    /// <paramref name="std"/>(k) gives the per-element standard deviation of parameter k, [P_k].
    /// </summary>
    public void SetGaussian(Func<int, Tensor> std, ulong seed, Func<int, ulong> streams)
    {
        for (int k = 0; k < Trainable.Length; k++)
        {
            var p = MemberParameter(k);
            long per = p.MemberCount;
            _be.FillNormal(p.Value.Buffer, per * Members, seed, streams(k), 0, 0f, 1f);
            _be.ChannelAffine(p.Value.Buffer, std(k).Buffer, BaseParameter(k).Value.Buffer, p.Value.Buffer, Members, (int)per, 1);
        }
    }

    /// <summary>
    /// Per-image number of members that classify each image of [start, start + count) correctly, in forward passes
    /// of at most <paramref name="batch"/> images (all members at once).
    /// </summary>
    public int[] CorrectCounts(Dataset set, int start, int count, int batch = 64)
    {
        using var _ = GradMode.NoGrad();
        var counts = new int[count];
        int size = set.ImageSize;
        for (int s0 = 0; s0 < count; s0 += batch)
        {
            int b = Math.Min(batch, count - s0);
            using var scope = new TensorScope();
            var x = Tensor.FromArray(set.Images.AsSpan((start + s0) * size, b * size), [b, set.C, set.H, set.W], Base.Device);
            var pred = Predict(x, b);
            for (int e = 0; e < Members; e++)
                for (int i = 0; i < b; i++)
                    if (pred[e * b + i] == set.Labels[start + s0 + i]) counts[s0 + i]++;
        }
        return counts;
    }

    /// <summary>Per-member accuracy on the first <paramref name="count"/> images of the set.</summary>
    public double[] MemberAccuracies(Dataset set, int count, int chunk)
    {
        var correct = new long[Members];
        using var _ = GradMode.NoGrad();
        for (int start = 0; start < count; start += chunk)
        {
            int b = Math.Min(chunk, count - start);
            using var scope = new TensorScope();
            int size = set.ImageSize;
            var x = Tensor.FromArray(set.Images.AsSpan(start * size, b * size), [b, set.C, set.H, set.W], Base.Device);
            var pred = Predict(x, b);
            for (int e = 0; e < Members; e++)
                for (int i = 0; i < b; i++)
                    if (pred[e * b + i] == set.Labels[start + i]) correct[e]++;
        }
        return correct.Select(c => (double)c / Math.Max(1, count)).ToArray();
    }

    /// <summary>Argmax class of every member on every image, [members · count] (member-major).</summary>
    private int[] Predict(Tensor x, int count)
    {
        int k = Base.Spec.Classes;
        using var idx = IntTensor.Empty(Members * count, Base.Device);
        if (!Sequential)
        {
            var logits = Ensemble.Forward(x);
            _be.ArgMaxRows(logits.Buffer, idx.Buffer, Members * count, k);
            return idx.ToArray();
        }
        var pred = new int[Members * count];
        for (int e = 0; e < Members; e++)
        {
            using var member = Ensemble.Member(e);
            var logits = member.Forward(x);
            _be.ArgMaxRows(logits.Buffer, idx.Buffer, count, k);
            idx.ToArray().AsSpan(0, count).CopyTo(pred.AsSpan(e * count, count));
        }
        return pred;
    }

    public void Dispose() => Ensemble.Dispose();
}
