using FastRobust.Attacks;
using FastRobust.Data;
using FastRobust.Nn;
using FastRobust.Random;
using FastRobust.Tensors;

namespace FastRobust.DataRobustness;

/// <summary>How the target class of a non-robust-features image is chosen (Ilyas et al. 2019, Section 3.2).</summary>
public enum TargetChoice
{
    /// <summary>D_det: t = (y + 1) mod C.</summary>
    Deterministic,

    /// <summary>D_rand: t uniform among the classes other than y (keyed by the image's index).</summary>
    Random,
}

/// <summary>
/// The non-robust-features datasets of Ilyas et al. (2019): each training image x of class y is moved by targeted L2
/// PGD on a standard model toward a class t and relabelled t. To a human the image still shows y; only the standard
/// model's non-robust features say t. Every image is perturbed through every step (no early stop), starting from
/// the image itself; the result stays in [0, 1] and within ε of x.
/// </summary>
public static class NonRobustFeatures
{
    /// <summary>The paper's CIFAR-10 settings: ε 0.5, step 0.1, 100 steps.</summary>
    public const float DefaultEpsilon = 0.5f, DefaultStepSize = 0.1f;
    public const int DefaultSteps = 100;

    /// <summary>Philox stream of the random targets and of PGD.</summary>
    public const ulong Stream = 0x4E52_4645_4154_0000UL; // "NRFEAT"

    public static int[] Targets(int[] labels, int classes, TargetChoice choice, ulong seed) => choice switch
    {
        TargetChoice.Deterministic => labels.Select(y => (y + 1) % classes).ToArray(),
        _ => Enumerable.Range(0, labels.Length).Select(i => AttackBase.RandomTarget(new PhiloxStream(seed, Stream), i, labels[i], classes)).ToArray(),
    };

    /// <param name="progress">Called after each chunk with (images done, images).</param>
    public static (Dataset Data, double TargetRate) Build(Model model, Dataset source, TargetChoice choice, float eps, float alpha, int steps,
        ulong seed, int chunk = 1024, Action<int, int>? progress = null)
    {
        int classes = model.Spec.Classes;
        var targets = Targets(source.Labels, classes, choice, seed);
        var attack = AttackRegistry.Create("pgd-l2");
        var images = new float[source.Images.Length];
        int d = source.ImageSize, hits = 0;
        var rng = new PhiloxStream(seed, Stream);
        for (int start = 0; start < source.N; start += chunk)
        {
            int n = Math.Min(chunk, source.N - start);
            using var x = Tensor.FromArray(source.Images.AsSpan(start * d, n * d), [n, source.C, source.H, source.W], model.Device);
            using var y = IntTensor.FromArray(source.Labels.AsSpan(start, n), model.Device);
            var options = new AttackOptions
            {
                Epsilon = eps, StepSize = alpha, Steps = steps, RandomStart = false, Target = TargetMode.Given,
                TargetLabels = targets.AsSpan(start, n).ToArray(), AllSamples = true, SampleOffset = start,
            };
            using var result = attack.Run(model, x, y, options, rng);
            result.AdversarialToArray().CopyTo(images.AsSpan(start * d, n * d));
            for (int i = 0; i < n; i++) if (result.Prediction[i] == targets[start + i]) hits++;
            progress?.Invoke(start + n, source.N);
        }
        string name = choice == TargetChoice.Deterministic ? "D_det" : "D_rand";
        return (new Dataset($"{name} of {source.Name}", images, targets, source.C, source.H, source.W, source.Classes), hits / (double)Math.Max(1, source.N));
    }
}
