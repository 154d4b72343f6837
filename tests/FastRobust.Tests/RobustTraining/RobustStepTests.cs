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

    [Theory]
    [MemberData(nameof(Methods))]
    public void TwoStepsMatchTorch(string key)
    {
        var o = F.Options(key);
        var data = DataLocator.Load("mnist", "test").Take(2 * F.Batch);
        using var model = F.InitialModel();
        var opt = Optimizer.Create("sgd", model.Parameters, F.Lr, 0f, 0f, false);
        var noise = new PhiloxStream(F.Seed, F.Stream);
        var dropout = new PhiloxStream(F.Seed, Trainer.DropoutStream(0));
        var losses = new float[2];
        int b = F.Batch, size = 28 * 28;
        model.SetRequiresGrad(true);
        for (int s = 0; s < 2; s++)
        {
            using var scope = new TensorScope();
            var x = Tensor.FromArray(data.Images.AsSpan(s * b * size, b * size), [b, 1, 28, 28], model.Device);
            using var y = IntTensor.FromArray(data.Labels.AsSpan(s * b, b), model.Device);
            using var loss = RobustTrainStep.Run(model, opt, x, y, o, o.Epsilon ?? 0f, o.Alpha ?? 0f, dropout, noise);
            losses[s] = loss.Item();
        }
        var expectLoss = F.Values($"step.{key}.loss");
        for (int s = 0; s < 2; s++)
            Assert.True(Math.Abs(losses[s] - expectLoss[s]) <= 1e-4 * Math.Max(1, Math.Abs(expectLoss[s])),
                $"{key}: step {s} loss {losses[s]} vs PyTorch {expectLoss[s]}");
        foreach (var p in model.StateDict().Where(a => a.DType == "F32"))
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
        var o = F.Options(key);
        var data = DataLocator.Load("mnist", "test").Take(2 * F.Batch);
        using var model = F.InitialModel();
        var opt = Optimizer.Create("sgd", model.Parameters, F.Lr, 0f, 0f, false);
        var noise = new PhiloxStream(F.Seed, F.Stream);
        var dropout = new PhiloxStream(F.Seed, Trainer.DropoutStream(0));
        int b = F.Batch, size = 28 * 28;
        model.SetRequiresGrad(true);
        using (new TensorScope())
        {
            var x = Tensor.FromArray(data.Images.AsSpan(0, b * size), [b, 1, 28, 28], model.Device);
            using var y = IntTensor.FromArray(data.Labels.AsSpan(0, b), model.Device);
            RobustTrainStep.Run(model, opt, x, y, o, o.Epsilon ?? 0f, o.Alpha ?? 0f, dropout, noise).Dispose();
        }
        using var scope2 = new TensorScope();
        var x2 = Tensor.FromArray(data.Images.AsSpan(b * size, b * size), [b, 1, 28, 28], model.Device);
        using var y2 = IntTensor.FromArray(data.Labels.AsSpan(b, b), model.Device);
        model.SetRequiresGrad(false);
        var adv = o.Adversarial
            ? TrainingAttack.Perturb(model, x2, y2, o, o.Epsilon!.Value, o.Alpha!.Value, noise)
            : NoiseAugmentation.Apply(x2, o.NoiseSigma, 1, noise);
        var ours = adv.ToArray();
        var want = F.Values($"step.{key}.adv");
        double mad = 0;
        for (int i = 0; i < want.Length; i++) mad += Math.Abs(ours[i] - want[i]);
        mad /= want.Length;
        Assert.True(mad < 1e-5, $"{key}: the perturbed batch differs from PyTorch's by {mad:E3} on average");
        var clean = data.Images.AsSpan(b * size, want.Length).ToArray();
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
