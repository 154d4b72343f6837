using FastRobust.Autograd;
using FastRobust.Data;
using FastRobust.Nn;
using FastRobust.Nn.Optim;
using FastRobust.Random;
using FastRobust.Tensors;
using FastRobust.Training;

namespace FastRobust.Gpu.Agreement;

/// <summary>
/// Whole-network agreement: the same tiny model (every layer type, dropout on) trained and attacked on cpu and on the
/// GPU from the same seed, with the same data and the same dropout masks, matches step for step.
/// </summary>
internal static class ModelCases
{
    /// <summary>
    /// No bias on the conv before batch norm: its gradient is zero up to rounding, and Adam turns rounding noise into
    /// full-size steps of either sign (real networks omit it for the same reason).
    /// </summary>
    public const string Spec = """
        { "input": [3, 8, 8], "classes": 5,
          "layers": [
            {"type": "normalize", "mean": [0.5, 0.4, 0.3], "std": [0.25, 0.2, 0.3]},
            {"type": "conv2d", "out": 6, "kernel": 3, "padding": 1, "bias": false},
            {"type": "batchnorm2d"},
            {"type": "relu"},
            {"type": "maxpool2d", "kernel": 2},
            {"type": "conv2d", "out": 8, "kernel": 3, "stride": 1, "padding": 1},
            {"type": "gelu"},
            {"type": "avgpool2d", "kernel": 2},
            {"type": "dropout", "p": 0.3},
            {"type": "flatten"},
            {"type": "linear", "out": 12},
            {"type": "relu"},
            {"type": "dropout", "p": 0.2},
            {"type": "linear", "out": 5}
          ] }
        """;

    private static (float[] X, int[] Y) Data(Checker t, int n) =>
        (t.Rand((long)n * 3 * 8 * 8, 0f, 1f), Enumerable.Range(0, n).Select(_ => t.Int(0, 5)).ToArray());

    private static Device[] Devices(Checker t) => [Device.Cpu, t.Gpu];

    public static IEnumerable<AgreementCase> All()
    {
        // members 2: an ensemble, a broadcast first layer and per-member statistics
        foreach (int members in new[] { 1, 2 })
            yield return new($"training: 4 SGD steps with dropout, {members} member{(members > 1 ? "s" : "")}", [], t =>
            {
                var spec = ModelSpec.Parse(Spec);
                ulong seed = (ulong)t.Seed;
                int n = 6;
                var (xs, ys) = Data(t, n);
                var runs = Devices(t).Select(dev =>
                {
                    var model = Model.Create(spec, dev, seed, members);
                    model.SetRequiresGrad(true);
                    var opt = new Sgd(model.Parameters, 0.05f, momentum: 0.9f, weightDecay: 5e-4f);
                    var x = Tensor.FromArray(xs, [n, 3, 8, 8], dev).KeepAlive();
                    var y = IntTensor.FromArray(ys, dev);
                    return (Model: model, Opt: opt, X: x, Y: y, Rng: new PhiloxStream(seed, 3));
                }).ToArray();
                try
                {
                    for (int step = 0; step < 4; step++)
                    {
                        var losses = runs.Select(r =>
                        {
                            using var loss = TrainStep.Run(r.Model, r.Opt, r.X, r.Y, r.Rng);
                            return loss.ToArray();
                        }).ToArray();
                        t.Close(losses[0], losses[1], $"loss at step {step}");
                    }
                    var cpuParams = runs[0].Model.Parameters;
                    var gpuParams = runs[1].Model.Parameters;
                    for (int i = 0; i < cpuParams.Count; i++)
                        t.Close(cpuParams[i].Value.ToArray(), gpuParams[i].Value.ToArray(), $"{cpuParams[i].Name} after 4 steps", 2e-4);
                }
                finally
                {
                    foreach (var r in runs)
                    {
                        r.X.Dispose();
                        r.Y.Dispose();
                        r.Model.Dispose();
                    }
                }
            });
        yield return new("training: 3 AdamW steps", [], t =>
        {
            var spec = ModelSpec.Parse(Spec);
            ulong seed = (ulong)t.Seed;
            int n = 4;
            var (xs, ys) = Data(t, n);
            var finals = Devices(t).Select(dev =>
            {
                using var model = Model.Create(spec, dev, seed);
                model.SetRequiresGrad(true);
                var opt = new Adam(model.Parameters, 1e-2f, weightDecay: 1e-2f, decoupled: true);
                using var x = Tensor.FromArray(xs, [n, 3, 8, 8], dev).KeepAlive();
                using var y = IntTensor.FromArray(ys, dev);
                var rng = new PhiloxStream(seed, 5);
                for (int step = 0; step < 3; step++) TrainStep.Run(model, opt, x, y, rng).Dispose();
                return model.Parameters.SelectMany(p => p.Value.ToArray()).ToArray();
            }).ToArray();
            t.Close(finals[0], finals[1], "parameters after 3 Adam steps", 2e-4);
        });
        yield return new("training a zoo as one ensemble: SGD, Adam and RMSprop members, member slices of the optimizer steps, shared dropout masks", [], t =>
        {
            var spec = ModelSpec.Parse(Spec);
            ulong seed = (ulong)t.Seed;
            int n = 12;
            var (xs, ys) = Data(t, n);
            var data = new Dataset("agreement", xs, ys, 3, 8, 8, 5);
            TrainOptions[] members =
            [
                new() { Optimizer = "sgd", Lr = 0.05f, Momentum = 0.9f, WeightDecay = 5e-4f, Schedule = "cosine", Batch = 4, Epochs = 2, Seed = seed },
                new() { Optimizer = "adam", Lr = 1e-2f, Batch = 4, Epochs = 2, Seed = seed },
                new() { Optimizer = "rmsprop", Lr = 1e-3f, Momentum = 0.5f, Batch = 4, Epochs = 2, Seed = seed },
            ];
            var finals = Devices(t).Select(dev =>
            {
                var singles = Enumerable.Range(0, members.Length).Select(e => Model.Create(spec, dev, seed + (ulong)e)).ToList();
                using var zoo = Model.Stack(singles);
                foreach (var m in singles) m.Dispose();
                ZooTrainer.Run(zoo, data, null, members);
                return zoo.Parameters.SelectMany(p => p.Value.ToArray()).ToArray();
            }).ToArray();
            t.Close(finals[0], finals[1], "a zoo's parameters after 2 epochs", 2e-4);
        });
        yield return new("PGD by hand: 3 signed input-gradient steps with projection", [], t =>
        {
            // PGD-L∞ as ReferenceWorkloads runs it: input gradient only, sign step, projection with backend ops
            var spec = ModelSpec.Parse(Spec);
            ulong seed = (ulong)t.Seed;
            int n = 5;
            var (xs, ys) = Data(t, n);
            float eps = 8f / 255f, alpha = 2f / 255f;
            var traces = Devices(t).Select(dev =>
            {
                using var model = Model.Create(spec, dev, seed);
                model.SetRequiresGrad(false);
                var be = dev.Backend;
                using var x = Tensor.FromArray(xs, [n, 3, 8, 8], dev).KeepAlive();
                using var y = IntTensor.FromArray(ys, dev);
                using var lo = Tensor.Empty(x.Shape, dev).KeepAlive();
                using var hi = Tensor.Empty(x.Shape, dev).KeepAlive();
                be.Affine(x.Buffer, lo.Buffer, x.Count, 1f, -eps);
                be.Clamp(lo.Buffer, lo.Buffer, x.Count, 0f, 1f);
                be.Affine(x.Buffer, hi.Buffer, x.Count, 1f, eps);
                be.Clamp(hi.Buffer, hi.Buffer, x.Count, 0f, 1f);
                var adv = x.Clone().KeepAlive();
                var trace = new List<float[]>();
                for (int step = 0; step < 3; step++)
                {
                    using var scope = new TensorScope();
                    adv.RequiresGrad = true;
                    Tape.Backward(Ops.CrossEntropy(model.Forward(adv), y));
                    var g = adv.Grad!;
                    adv.Grad = null;
                    adv.RequiresGrad = false;
                    trace.Add(g.ToArray());
                    be.Unary(UnaryOp.Sign, g.Buffer, g.Buffer, g.Count);
                    be.Axpby(g.Buffer, adv.Buffer, g.Count, alpha, 1f);
                    be.Binary(BinaryOp.Max, adv.Buffer, lo.Buffer, adv.Buffer, g.Count);
                    be.Binary(BinaryOp.Min, adv.Buffer, hi.Buffer, adv.Buffer, g.Count);
                    g.Dispose();
                }
                t.True(model.Parameters.All(p => p.Value.Grad is null), $"{dev}: an attack step left a weight gradient");
                trace.Add(adv.ToArray());
                adv.Dispose();
                return trace;
            }).ToArray();
            for (int step = 0; step < 3; step++) t.Close(traces[0][step], traces[1][step], $"input gradient at PGD step {step}");
            // the signed steps agree exactly unless a gradient component sits within rounding of zero
            var a = traces[0][3];
            var b = traces[1][3];
            int differing = a.Zip(b).Count(p => p.First != p.Second);
            t.True(differing <= a.Length / 200, $"{differing} of {a.Length} adversarial pixels differ");
            t.Close(a, b, "adversarial input", 1e-2);
        });
    }
}
