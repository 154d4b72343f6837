using System.Globalization;
using FastRobust.Attacks;
using FastRobust.Nn;
using FastRobust.Nn.Optim;
using FastRobust.Random;
using FastRobust.Tensors;
using FastRobust.Training;

namespace FastRobust.Gpu.Agreement;

/// <summary>
/// Every attack of <see cref="AttackRegistry"/> on cpu and on the GPU: the same tiny model, the same eight images and
/// labels, the same seed, the same settings; the returned images and every per-sample outcome must agree.
/// </summary>
/// <remarks>
/// Attacks take discrete decisions (the sign of a gradient component, an argmax, an accepted square, a binary-search
/// bracket, an early stop), so float32 rounding of the two backends could in principle flip one and send the runs
/// apart. The problem is therefore fixed, not drawn per run: a small model with smooth activations (GELU, average
/// pooling: no gradient component sits on a kink), trained on noisy prototypes so its images lie at a real distance
/// from the decision boundaries, eight images of which two are mislabelled (not attacked: they must come back
/// unchanged), and settings under which each attack fools some samples and not others. Every per-sample outcome
/// (clean and final prediction, target, attacked, success, steps, queries, gradients) must then be identical, the
/// images agree to <see cref="PixelTolerance"/>, and no returned image lies within <see cref="MinimumMargin"/> of a
/// tie, so the compared predictions are decided by the model, not by rounding.
/// </remarks>
internal static class AttackCases
{
    /// <summary>
    /// Largest allowed |cpu − gpu| of a returned pixel (images in [0, 1]). The backends' rounding differs by about 1e-7
    /// per op relative to the values; the continuous attacks (pgd-l2, deepfool, cw, apgd-ce's momentum) chain at most
    /// a few hundred such ops per pixel, far below 1e-4. A flipped decision moves a pixel by a step (≥ 1/255 ≈ 4e-3 for
    /// every setting below) or to another iterate, 40 times more: it cannot hide under the tolerance.
    /// </summary>
    public const float PixelTolerance = 1e-4f;

    /// <summary>
    /// Smallest gap between the top two logits of a returned image on cpu. The logits are a few units in size and the
    /// backends' differ by about 1e-6 of that, so a gap of 1e-4 (20 times more) cannot be closed by rounding: every
    /// final prediction compared below is decided.
    /// </summary>
    private const float MinimumMargin = 1e-4f;

    private const ulong Seed = 20_250_601;
    private const int N = 8;

    /// <summary>Two of the eight labels are wrong on purpose: those samples are not attacked and must come back unchanged.</summary>
    private static readonly int[] Mislabelled = [2, 5];

    internal const string Spec = """
        { "input": [3, 8, 8], "classes": 5, "layers": [
          {"type": "conv2d", "out": 6, "kernel": 3, "padding": 1}, {"type": "gelu"}, {"type": "avgpool2d", "kernel": 2},
          {"type": "flatten"}, {"type": "linear", "out": 5} ] }
        """;

    /// <summary>
    /// The settings each attack is checked with: small budgets (ILGPU's CPU accelerator is slow) and a batch of 4, so the
    /// eight samples run as two device batches. A newly registered attack without settings here fails its case.
    /// </summary>
    public static readonly IReadOnlyDictionary<string, AttackOptions[]> Settings = new Dictionary<string, AttackOptions[]>
    {
        ["fgsm"] = [new() { Epsilon = 0.075f, Batch = 4 }],
        ["bim"] = [new() { Epsilon = 0.075f, StepSize = 0.01f, Steps = 10, Batch = 4 }],
        ["pgd"] =
        [
            new() { Epsilon = 0.075f, Steps = 10, Batch = 4 },
            new() { Epsilon = 0.1f, Steps = 8, Target = TargetMode.Random, Restarts = 2, Batch = 4 },
        ],
        ["pgd-l2"] = [new() { Epsilon = 0.8f, Steps = 10, Batch = 4 }],
        ["deepfool"] = [new() { Epsilon = 0.66f, Steps = 20, Candidates = 5, Batch = 4 }],
        ["cw"] = [new() { Steps = 30, BinarySearchSteps = 3, InitialConst = 1f, LearningRate = 0.05f, Batch = 4 }],
        ["apgd-ce"] = [new() { Epsilon = 0.075f, Steps = 12, Batch = 4 }],
        ["square"] = [new() { Epsilon = 0.15f, Steps = 60, Batch = 4 }],
        ["random-l0"] = [new() { Epsilon = 12f, Steps = 30, Batch = 4 }],
        ["gaussian"] = [new() { Epsilon = 0.6f, Restarts = 3, Batch = 4 }],
        ["apgd-ce-l2"] = [new() { Epsilon = 0.8f, Steps = 12, Batch = 4 }],
        ["apgd-dlr"] = [new() { Epsilon = 0.075f, Steps = 12, Batch = 4 }],
        ["apgd-dlr-l2"] = [new() { Epsilon = 0.8f, Steps = 12, Batch = 4 }],
        ["apgd-t"] = [new() { Epsilon = 0.075f, Steps = 8, TargetClasses = 2, Batch = 4 }],
        ["apgd-t-l2"] = [new() { Epsilon = 0.8f, Steps = 8, TargetClasses = 2, Batch = 4 }],
        ["fab-t"] = [new() { Epsilon = 0.1f, Steps = 8, TargetClasses = 2, Batch = 4 }],
        ["fab-t-l2"] = [new() { Epsilon = 0.8f, Steps = 8, TargetClasses = 2, Batch = 4 }],
        ["fab"] = [new() { Epsilon = 0.1f, Steps = 8, Restarts = 2, Batch = 4 }],
        ["fab-l2"] = [new() { Epsilon = 0.8f, Steps = 8, Batch = 4 }],
        ["autoattack"] = [new() { Epsilon = 0.075f, Steps = 4, TargetClasses = 2, Batch = 4 }],
        ["autoattack-l2"] = [new() { Epsilon = 0.8f, Steps = 4, TargetClasses = 2, Batch = 4 }],
    };

    public static IEnumerable<AgreementCase> All()
    {
        foreach (string name in AttackRegistry.Names)
        {
            if (!Settings.TryGetValue(name, out var variants))
            {
                yield return new($"attack {name}", [], t =>
                    throw t.Fail($"attack '{name}' of the registry has no agreement settings: add them to AttackCases.Settings"));
                continue;
            }
            foreach (var o in variants) yield return new($"attack {name} {Describe(o)}", [], t => Check(t, name, o));
        }
    }

    private static string Describe(AttackOptions o)
    {
        var parts = new List<string>();
        if (o.Epsilon is float e) parts.Add("eps " + e.ToString(CultureInfo.InvariantCulture));
        if (o.StepSize is float a) parts.Add("alpha " + a.ToString(CultureInfo.InvariantCulture));
        if (o.Steps is int s) parts.Add($"{s} steps");
        if (o.Restarts > 1) parts.Add($"{o.Restarts} restarts");
        if (o.Target != TargetMode.None) parts.Add("target " + o.Target.ToString().ToLowerInvariant());
        return string.Join(", ", parts);
    }

    /// <summary>Runs the attack on both devices and compares the returned images and every per-sample outcome.</summary>
    private static void Check(Checker t, string name, AttackOptions options)
    {
        var problem = Shared.Value;
        var runs = new[] { Device.Cpu, t.Gpu }.Select(dev =>
        {
            using var model = problem.ModelOn(dev);
            using var x = Tensor.FromArray(problem.Images, [N, 3, 8, 8], dev);
            using var y = IntTensor.FromArray(problem.Labels, dev);
            using var r = AttackRegistry.Create(name).Run(model, x, y, options, new PhiloxStream(Seed, 0x4154_544B));
            return (Images: r.AdversarialToArray(), r.CleanPrediction, r.Prediction, r.Attacked, r.Success, r.Steps, r.Queries,
                r.Gradients, Targets: r.Targets ?? []);
        }).ToArray();
        var (cpu, gpu) = (runs[0], runs[1]);
        if (options.Target == TargetMode.None)
            t.True(cpu.Attacked.Count(a => a) == N - Mislabelled.Length, $"{name}: {cpu.Attacked.Count(a => a)} samples attacked on cpu");
        t.True(problem.Images.Zip(cpu.Images).Any(p => p.First != p.Second), $"{name}: the cpu run changed no pixel");
        t.ExactInt(cpu.CleanPrediction, gpu.CleanPrediction, $"{name}: clean prediction");
        t.ExactInt(cpu.Targets, gpu.Targets, $"{name}: target");
        t.ExactInt(Flags(cpu.Attacked), Flags(gpu.Attacked), $"{name}: attacked");
        t.ExactInt(cpu.Prediction, gpu.Prediction, $"{name}: prediction (robust: it equals the label)");
        t.ExactInt(Flags(cpu.Success), Flags(gpu.Success), $"{name}: success");
        t.ExactInt(cpu.Steps, gpu.Steps, $"{name}: steps");
        t.ExactInt(Counts(cpu.Queries), Counts(gpu.Queries), $"{name}: queries");
        t.ExactInt(Counts(cpu.Gradients), Counts(gpu.Gradients), $"{name}: gradients");
        t.Within(cpu.Images, gpu.Images, $"{name}: adversarial images", PixelTolerance);
        // the final predictions are decided by more than rounding: no returned image sits on a tie of its two top logits
        using (var model = problem.ModelOn(Device.Cpu))
        {
            var logits = BatchedInference.Logits(model, cpu.Images, N, N);
            for (int i = 0; i < N; i++)
            {
                var row = logits.AsSpan(i * 5, 5).ToArray().Order().ToArray();
                t.True(row[4] - row[3] >= MinimumMargin, $"{name}: sample {i} ends {row[4] - row[3]:E2} from a tie of its top two logits; choose settings that leave every decision clear");
            }
        }
    }

    private static int[] Flags(bool[] b) => b.Select(v => v ? 1 : 0).ToArray();

    private static int[] Counts(long[] c) => c.Select(v => (int)v).ToArray();

    private static readonly Lazy<Problem> Shared = new(Problem.Make);

    /// <summary>
    /// The attacked model and images. The model is trained (on the cpu backend, once per process) on a 5-class task of
    /// noisy prototype images, so the images it classifies lie at a real distance from its decision boundaries and
    /// the attacks need several steps and fail on some samples; its weights are then loaded on each device.
    /// </summary>
    internal sealed class Problem(float[][] weights, float[] images, int[] labels)
    {
        public float[] Images { get; } = images;
        public int[] Labels { get; } = labels;

        public Model ModelOn(Device dev)
        {
            var model = Model.Create(ModelSpec.Parse(Spec), dev, Seed);
            for (int i = 0; i < weights.Length; i++) dev.Backend.Upload(weights[i], model.Parameters[i].Value.Buffer);
            return model;
        }

        /// <summary>Eight fresh images labelled by the trained model except <see cref="Mislabelled"/>.</summary>
        public static Problem Make()
        {
            var rng = new System.Random((int)(Seed % int.MaxValue));
            const int size = 3 * 8 * 8, train = 200;
            var prototypes = Enumerable.Range(0, 5).Select(_ => Enumerable.Range(0, size).Select(_ => 0.2f + 0.6f * (float)rng.NextDouble()).ToArray()).ToArray();
            (float[] X, int[] Y) Draw(int n)
            {
                var x = new float[n * size];
                var y = new int[n];
                for (int i = 0; i < n; i++)
                {
                    y[i] = rng.Next(5);
                    for (int j = 0; j < size; j++) x[i * size + j] = Math.Clamp(prototypes[y[i]][j] + 0.3f * ((float)rng.NextDouble() - 0.5f), 0f, 1f);
                }
                return (x, y);
            }
            var (tx, ty) = Draw(train);
            using var model = Model.Create(ModelSpec.Parse(Spec), Device.Cpu, Seed);
            model.SetRequiresGrad(true);
            var opt = new Sgd(model.Parameters, 0.05f, momentum: 0.9f);
            using (var x = Tensor.FromArray(tx, [train, 3, 8, 8], Device.Cpu).KeepAlive())
            using (var y = IntTensor.FromArray(ty, Device.Cpu))
            {
                var steps = new PhiloxStream(Seed, 1);
                for (int step = 0; step < 40; step++) TrainStep.Run(model, opt, x, y, steps).Dispose();
            }
            model.SetRequiresGrad(false);
            var (images, _) = Draw(N);
            var logits = BatchedInference.Logits(model, images, N, N);
            var labels = new int[N];
            for (int i = 0; i < N; i++)
            {
                var row = logits.AsSpan(i * 5, 5);
                int best = 0;
                for (int j = 1; j < 5; j++) if (row[j] > row[best]) best = j;
                labels[i] = Mislabelled.Contains(i) ? (best + 1) % 5 : best;
            }
            return new Problem(model.Parameters.Select(p => p.Value.ToArray()).ToArray(), images, labels);
        }
    }
}
