using FastRobust.Attacks;
using FastRobust.Data;
using FastRobust.Nn;
using FastRobust.Random;
using FastRobust.Tensors;
using FastRobust.Training;

namespace FastRobust.DataRobustness;

/// <summary>
/// The completely random perturbation scheme (Ilie, Popescu &amp; Stefanescu 2020) over a whole image set, with
/// the draws of the <c>random-l0</c> attack (<see cref="RandomPixels.Perturb"/>): step s of image i perturbs the
/// original with k random pixels keyed by (seed, step s, i), so an image's steps-to-flip equals the attack's
/// on the same seed and index. It is inference-bound, so the batch is kept full: an image leaves its slot the
/// moment it flips or survives MAX_STEPS, and the next image takes the slot at its own step 1. Results do not
/// depend on the batch size.
/// </summary>
public static class RandomScheme
{
    /// <summary>Default images per forward pass.</summary>
    public const int DefaultBatch = 512;

    /// <param name="progress">Called after every forward pass with (images finished, images to perturb).</param>
    public static SchemeOutcome Run(Model model, Dataset data, int k, int maxSteps, PhiloxStream rng, int batch = DefaultBatch,
        Action<int, int>? progress = null)
    {
        if (k < 1 || k > data.H * data.W) throw new ArgumentOutOfRangeException(nameof(k), $"k = {k} pixels of {data.H * data.W}");
        if (maxSteps < 1) throw new ArgumentOutOfRangeException(nameof(maxSteps));
        if (batch < 1) throw new ArgumentOutOfRangeException(nameof(batch));
        BatchedInference.CheckLabels(model, data.Labels, data.Name);
        int n = data.N, d = data.ImageSize, classes = model.Spec.Classes;
        var clean = AttackBase.ArgMaxRows(BatchedInference.Logits(model, data.Images, n, batch), n, classes);
        var steps = new int[n];
        var flipPred = new int[n];
        Array.Fill(flipPred, -1);
        var queue = Enumerable.Range(0, n).Where(i => clean[i] == data.Labels[i]).ToArray();
        int next = 0, finished = 0;

        var slotSample = new int[batch];
        var slotStep = new int[batch];
        int active = 0;
        var images = new float[(long)batch * d];
        var saved = model.Trainable.Select(p => p.Value.RequiresGrad).ToArray();
        model.SetRequiresGrad(false);
        try
        {
            while (true)
            {
                while (active < batch && next < queue.Length)
                {
                    slotSample[active] = queue[next++];
                    slotStep[active++] = 0;
                }
                if (active == 0) break;
                int count = active;
                Parallel.For(0, count, () => RandomPixels.Scratch(k, data.C), (s, _, bits) =>
                {
                    int i = slotSample[s];
                    RandomPixels.Perturb(images.AsSpan(s * d, d), data.Image(i), data.C, k, rng.Seed, RandomPixels.StepStream(rng, slotStep[s]), i, bits);
                    return bits;
                }, _ => { });
                int[] pred;
                using (new TensorScope())
                {
                    var x = Tensor.FromArray(images.AsSpan(0, count * d), [count, data.C, data.H, data.W], model.Device);
                    pred = InputGradient.Predictions(InputGradient.Logits(model, x));
                }
                active = 0;
                for (int s = 0; s < count; s++)
                {
                    int i = slotSample[s], step = slotStep[s] + 1;
                    if (pred[s] != data.Labels[i])
                    {
                        steps[i] = step;
                        flipPred[i] = pred[s];
                        finished++;
                    }
                    else if (step == maxSteps) finished++;
                    else
                    {
                        slotSample[active] = i;
                        slotStep[active++] = step;
                    }
                }
                progress?.Invoke(finished, queue.Length);
            }
        }
        finally
        {
            int j = 0;
            foreach (var p in model.Trainable) p.Value.RequiresGrad = saved[j++];
        }
        return new SchemeOutcome(data.Labels, clean, steps, flipPred, maxSteps);
    }
}
