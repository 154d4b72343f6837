using System.Diagnostics;
using FastRobust.Autograd;
using FastRobust.Nn;
using FastRobust.Nn.Optim;
using FastRobust.Random;
using FastRobust.Tensors;
using FastRobust.Training;

namespace FastRobust.Bench;

/// <summary>Images per second of the three reference workloads.</summary>
public sealed record WorkloadRates(double TrainImgPerS, double AttackImgStepsPerS, double InferImgPerS);

/// <summary>
/// The three workloads of ../shared/bench/torch_peer.py, measured the same way so the ratio is fair:
/// train = one SGD (momentum 0.9, lr 0.01) step on a batch; attack = one PGD step (forward, backward to the input
/// only, x += 2/255·sign(g), projection onto the 8/255 ball and [0, 1]); infer = one forward pass without
/// gradients. Each runs 3 warm-up iterations, then as many as fit in the time budget, synchronising at the end.
/// </summary>
public static class ReferenceWorkloads
{
    public static WorkloadRates Measure(ModelSpec spec, int batch, Device device, double seconds, ulong seed = 0)
    {
        using var model = Model.Create(spec, device, seed);
        var x = Tensor.Uniform([batch, .. spec.Input], 0f, 1f, seed, 1, device).KeepAlive();
        var rng = new PhiloxStream(seed, 2);
        var labels = new int[batch];
        for (int i = 0; i < batch; i++) labels[i] = rng.NextInt(spec.Classes);
        using var y = IntTensor.FromArray(labels, device);

        var opt = new Sgd(model.Parameters, 0.01f, momentum: 0.9f);
        model.SetRequiresGrad(true);
        double train = Rate(batch, device, seconds, () => TrainStep.Run(model, opt, x, y, rng).Dispose());

        model.SetRequiresGrad(false);
        var pgd = new PgdStepper(x, 8f / 255f, 2f / 255f);
        double attack = Rate(batch, device, seconds, () => pgd.Step(model, y));
        pgd.Dispose();

        double infer;
        using (GradMode.NoGrad())
            infer = Rate(batch, device, seconds, () =>
            {
                using var scope = new TensorScope();
                model.Forward(x);
            });
        x.Dispose();
        return new WorkloadRates(train, attack, infer);
    }

    private static double Rate(int batch, Device device, double seconds, Action step)
    {
        for (int i = 0; i < 3; i++) step();
        device.Backend.Synchronize();
        var sw = Stopwatch.StartNew();
        long n = 0;
        while (sw.Elapsed.TotalSeconds < seconds)
        {
            step();
            n++;
        }
        device.Backend.Synchronize();
        return batch * n / sw.Elapsed.TotalSeconds;
    }

    /// <summary>The PGD-L∞ step of the peer, on preallocated bounds so the steady state allocates only activations.</summary>
    internal sealed class PgdStepper : IDisposable
    {
        private readonly Tensor _lo, _hi, _adv;
        private readonly float _alpha;

        public PgdStepper(Tensor x, float eps, float alpha)
        {
            var be = x.Device.Backend;
            _alpha = alpha;
            _lo = Tensor.Empty(x.Shape, x.Device).KeepAlive();
            _hi = Tensor.Empty(x.Shape, x.Device).KeepAlive();
            _adv = x.Clone().KeepAlive();
            be.Affine(x.Buffer, _lo.Buffer, x.Count, 1f, -eps);
            be.Clamp(_lo.Buffer, _lo.Buffer, x.Count, 0f, 1f);
            be.Affine(x.Buffer, _hi.Buffer, x.Count, 1f, eps);
            be.Clamp(_hi.Buffer, _hi.Buffer, x.Count, 0f, 1f);
        }

        public void Step(Model model, IntTensor y)
        {
            using var scope = new TensorScope();
            var be = _adv.Device.Backend;
            _adv.RequiresGrad = true;
            var loss = Ops.CrossEntropy(model.Forward(_adv), y);
            Tape.Backward(loss);
            var g = _adv.Grad!;
            _adv.Grad = null;
            _adv.RequiresGrad = false;
            be.Unary(UnaryOp.Sign, g.Buffer, g.Buffer, g.Count);
            be.Axpby(g.Buffer, _adv.Buffer, g.Count, _alpha, 1f);
            be.Binary(BinaryOp.Max, _adv.Buffer, _lo.Buffer, _adv.Buffer, g.Count);
            be.Binary(BinaryOp.Min, _adv.Buffer, _hi.Buffer, _adv.Buffer, g.Count);
            g.Dispose();
        }

        public void Dispose()
        {
            _lo.Dispose();
            _hi.Dispose();
            _adv.Dispose();
        }
    }
}
