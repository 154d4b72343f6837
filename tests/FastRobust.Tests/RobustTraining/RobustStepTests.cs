using FastRobust.Autograd;
using FastRobust.Data;
using FastRobust.Nn;
using FastRobust.Nn.Optim;
using FastRobust.Random;
using FastRobust.Tensors;
using FastRobust.Training;
using Xunit;

namespace FastRobust.Tests.RobustTraining;

/// <summary>
/// Each robust-training method's step against PyTorch (robust_make_fixtures.py) on the same weights and the same
/// Philox random starts and noise: two SGD steps of robust_net.json (batch norm included, so the attack's eval mode
/// and the update's training mode both matter) on MNIST test images 0-7 then 8-15.
/// </summary>
public class RobustStepTests
{
    private static readonly RobustFixture F = RobustFixture.Instance;

    public static TheoryData<string> Methods() => new(RobustFixture.MethodKeys());

    /// <summary>
    /// The fixture's model, SGD optimizer and Philox streams for one method, and its two MNIST batches: what both
    /// step tests start from.
    /// </summary>
    private sealed class TwoBatches : IDisposable
    {
        public readonly RobustOptions O;
        public readonly Model Model = F.InitialModel();
        public readonly PhiloxStream Noise = new(F.Seed, F.Stream);
        private readonly Dataset _data = DataLocator.Load("mnist", "test").Take(2 * F.Batch);
        private readonly Optimizer _opt;
        private readonly PhiloxStream _dropout = new(F.Seed, Trainer.DropoutStream(0));
        private const int Size = 28 * 28;

        public TwoBatches(string key)
        {
            O = F.Options(key);
            _opt = Optimizer.Create("sgd", Model.Parameters, F.Lr, 0f, 0f, false);
            Model.SetRequiresGrad(true);
        }

        /// <summary>Batch <paramref name="s"/> (0 or 1) on the model's device, inside the caller's tensor scope.</summary>
        public (Tensor X, IntTensor Y) Batch(int s)
        {
            int b = F.Batch;
            var x = Tensor.FromArray(_data.Images.AsSpan(s * b * Size, b * Size), [b, 1, 28, 28], Model.Device);
            return (x, IntTensor.FromArray(_data.Labels.AsSpan(s * b, b), Model.Device));
        }

        /// <summary>The clean pixels of batch <paramref name="s"/>.</summary>
        public float[] CleanImages(int s) => _data.Images.AsSpan(s * F.Batch * Size, F.Batch * Size).ToArray();

        /// <summary>One robust training step on batch <paramref name="s"/>; returns its loss.</summary>
        public float Step(int s)
        {
            using var scope = new TensorScope();
            var (x, y) = Batch(s);
            using (y)
            using (var loss = RobustTrainStep.Run(Model, _opt, x, y, O, O.Epsilon ?? 0f, O.Alpha ?? 0f, _dropout, Noise))
                return loss.Item();
        }

        public void Dispose() => Model.Dispose();
    }

    [Theory]
    [MemberData(nameof(Methods))]
    public void TwoStepsMatchTorch(string key)
    {
        using var run = new TwoBatches(key);
        var losses = new[] { run.Step(0), run.Step(1) };
        var expectLoss = F.Values($"step.{key}.loss");
        for (int s = 0; s < 2; s++)
            Assert.True(Math.Abs(losses[s] - expectLoss[s]) <= 1e-4 * Math.Max(1, Math.Abs(expectLoss[s])),
                $"{key}: step {s} loss {losses[s]} vs PyTorch {expectLoss[s]}");
        foreach (var p in run.Model.StateDict().Where(a => a.DType == "F32"))
        {
            var want = F.Values($"step.{key}.{p.Name}");
            double maxDiff = p.Values.Zip(want, (u, v) => Math.Abs(u - v)).Max();
            double scale = want.Max(v => Math.Abs(v));
            Assert.True(maxDiff <= 1e-4 * Math.Max(1, scale), $"{key}: {p.Name} differs from PyTorch by {maxDiff:E3} after two steps");
        }
    }

    /// <summary>The perturbed batch itself: the second step's random start comes after the first step's counters.</summary>
    [Theory]
    [MemberData(nameof(Methods))]
    public void SecondPerturbedBatchMatchesTorch(string key)
    {
        using var run = new TwoBatches(key);
        var o = run.O;
        run.Step(0);
        using var scope2 = new TensorScope();
        var (x2, y2) = run.Batch(1);
        using var _ = y2;
        run.Model.SetRequiresGrad(false);
        var adv = o.Adversarial
            ? TrainingAttack.Perturb(run.Model, x2, y2, o, o.Epsilon!.Value, o.Alpha!.Value, run.Noise)
            : NoiseAugmentation.Apply(x2, o.NoiseSigma, 1, run.Noise);
        var ours = adv.ToArray();
        var want = F.Values($"step.{key}.adv");
        double mad = 0;
        for (int i = 0; i < want.Length; i++) mad += Math.Abs(ours[i] - want[i]);
        mad /= want.Length;
        Assert.True(mad < 1e-5, $"{key}: the perturbed batch differs from PyTorch's by {mad:E3} on average");
        var clean = run.CleanImages(1).AsSpan(0, want.Length).ToArray();
        Assert.True(want.Zip(clean, (u, v) => Math.Abs(u - v)).Max() > 1e-3, "the reference batch is perturbed");
    }

    [Fact]
    public void TradesLossAndGradientsMatchTorch()
    {
        using var scope = new TensorScope();
        var clean = Tensor.FromArray(F.Values("trades.clean"), [6, 10]);
        var adv = Tensor.FromArray(F.Values("trades.adv"), [6, 10]);
        clean.RequiresGrad = true;
        adv.RequiresGrad = true;
        using var y = IntTensor.FromArray(F.Labels("trades.labels"));
        var (total, kl) = TradesLoss.Compute(clean, adv, y, 6f);
        Assert.Equal(F.Values("trades.total")[0], total.Item(), 1e-4f);
        Assert.Equal(F.Values("trades.kl")[0], kl.Item(), 1e-5f);
        Tape.Backward(total);
        AssertClose(F.Values("trades.grad_clean"), clean.Grad!.ToArray(), 1e-5, "∂/∂clean logits");
        AssertClose(F.Values("trades.grad_adv"), adv.Grad!.ToArray(), 1e-5, "∂/∂adversarial logits");
    }

    private static void AssertClose(float[] want, float[] got, double tol, string what)
    {
        Assert.Equal(want.Length, got.Length);
        for (int i = 0; i < want.Length; i++)
            Assert.True(Math.Abs(want[i] - got[i]) <= tol, $"{what}[{i}]: {got[i]} vs PyTorch {want[i]}");
    }
}
