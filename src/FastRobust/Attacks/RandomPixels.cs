using FastRobust.Random;
using FastRobust.Tensors;
using FastRobust.Util;

namespace FastRobust.Attacks;

/// <summary>
/// The completely random perturbation scheme of Ilie, Popescu &amp; Stefanescu (2020), seed 003: each step draws k pixel
/// positions uniformly (with replacement, so at most k distinct) and gives every channel of each a uniform random
/// value, on top of the original image; the first step whose image is misclassified ends the sample, else
/// MAX_STEPS steps are made. ε is k (default 28), --steps is MAX_STEPS (default 250). Per sample the result
/// reports the steps made; the survived steps are one fewer on success, all of them otherwise. A sample that
/// survives returns its last perturbed image. Model-agnostic: forward passes only, batched on the device.
/// </summary>
public sealed class RandomPixels : AttackBase
{
    public override string Name => "random-l0";
    public override ThreatNorm Norm => ThreatNorm.L0;
    public override bool SupportsTargeted => false;

    protected override AttackOptions ResolveSpecific(AttackOptions o)
    {
        float k = o.Epsilon ?? 28f;
        if (k != MathF.Floor(k)) throw new InputException($"random-l0's ε is a number of pixels: {AttackOptions.Format(k)} is not a whole number");
        if (o.StepSize is not null) throw new InputException("random-l0 takes no step size: --alpha does not apply");
        if (o.Restarts != 1) throw new InputException("random-l0's restarts are its steps (--steps is MAX_STEPS): --restarts must be 1");
        return o with { Epsilon = k, Steps = o.Steps ?? 250 };
    }

    protected override void CheckSpecific(Nn.Model model, AttackOptions o)
    {
        int pixels = model.Spec.Input[1] * model.Spec.Input[2];
        if (o.Epsilon!.Value > pixels) throw new InputException($"random-l0's ε ({AttackOptions.Format(o.Epsilon.Value)} pixels) exceeds the {pixels} pixels of an image");
    }

    protected override string Describe(AttackOptions o) => AttackOptions.Json(new Dictionary<string, object?>
    {
        ["pixels"] = (int)o.Epsilon!.Value, ["max_steps"] = o.Steps,
    });

    /// <summary>The Philox stream of step <paramref name="step"/> (0-based) of every sample under <paramref name="rng"/>.</summary>
    public static ulong StepStream(PhiloxStream rng, int step) => AttackRandom.Stream(rng, RandomPurpose.RandomPixels, step);

    /// <summary>Scratch for <see cref="Perturb"/>: k·(1 + C) raw draws.</summary>
    public static uint[] Scratch(int k, int channels) => new uint[k * (1 + channels)];

    /// <summary>
    /// One step's image of sample <paramref name="sample"/>: a copy of <paramref name="original"/> (CHW) in which k pixel
    /// positions, drawn uniformly with replacement (a later draw of the same pixel overwrites an earlier one), get a
    /// uniform value in [0, 1) per channel. The draw depends only on (seed, stream, sample), never on earlier steps.
    /// </summary>
    public static void Perturb(Span<float> image, ReadOnlySpan<float> original, int channels, int k, ulong seed, ulong stream, long sample, Span<uint> bits)
    {
        int hw = original.Length / channels;
        original.CopyTo(image);
        bits = bits[..(k * (1 + channels))];
        AttackRandom.Bits(bits, seed, stream, sample);
        for (int j = 0; j < k; j++)
        {
            int pixel = Philox.Below(bits[j], hw);
            for (int ch = 0; ch < channels; ch++)
                image[ch * hw + pixel] = Philox.ToUnit(bits[k + j * channels + ch]);
        }
    }

    internal override void Attack(AttackBatch b)
    {
        var o = b.Options;
        int k = (int)o.Epsilon!.Value, c = b.C, d = b.ImageSize, maxSteps = o.Steps!.Value;
        var x0 = b.X.ToArray();
        var active = b.AttackedRows.ToList();
        var bits = Scratch(k, c);
        for (int step = 0; step < maxSteps && active.Count > 0; step++)
        {
            ulong stream = StepStream(b.Rng, step);
            int n = active.Count;
            var images = new float[(long)n * d];
            for (int a = 0; a < n; a++)
            {
                int r = active[a];
                Perturb(images.AsSpan((int)((long)a * d), d), x0.AsSpan((int)((long)r * d), d), c, k, b.Rng.Seed, stream, b.GlobalIndex(r), bits);
            }
            int[] pred;
            using (new TensorScope())
            {
                var x = Tensor.FromArray(images, [n, b.C, b.H, b.W], b.Device);
                pred = InputGradient.Predictions(InputGradient.Logits(b.Model, x));
            }
            var left = new List<int>();
            for (int a = 0; a < n; a++)
            {
                int r = active[a];
                b.Steps[r]++;
                b.Queries[r]++;
                bool adversarial = b.IsAdversarial(r, pred[a]);
                if (adversarial || step == maxSteps - 1) b.B.Upload(images.AsSpan((int)((long)a * d), d), b.Adversarial.Buffer, (long)r * d);
                if (!adversarial) left.Add(r);
            }
            active = left;
        }
    }
}
