using FastRobust.Attacks;
using FastRobust.Data;
using FastRobust.Nn;
using FastRobust.Nn.Optim;
using FastRobust.Random;
using FastRobust.Tensors;
using FastRobust.Training;
using FastRobust.Util;
using Xunit;

namespace FastRobust.Tests.RobustTraining;

/// <summary>
/// Robust training beyond the PyTorch step fixtures: ensembles train each member as it would train alone, the
/// Gaussian noise has the σ it says, a few robust steps make a model measurably harder to attack, bad settings are
/// named.
/// </summary>
public class RobustTrainingTests
{
    private static readonly RobustFixture F = RobustFixture.Instance;

    /// <summary>
    /// An ensemble of two members takes one pgd step: member e ends where model e alone ends when it is given the
    /// e-th slice of the same random start (the noise of member 1 follows member 0's in the Philox stream).
    /// </summary>
    [Fact]
    public void EnsembleMembersTrainAsTheyWouldAlone()
    {
        var o = F.Options("pgd");
        var data = DataLocator.Load("mnist", "test").Take(F.Batch);
        int b = F.Batch, d = 28 * 28;
        using var a0 = F.InitialModel();
        using var a1 = Model.Create(a0.Spec, Device.Cpu, 99);
        using var ens = Model.Stack([a0, a1]);
        Step(ens, null);
        Step(a0, null);
        Step(a1, rng => rng.Take((long)b * d));
        for (int e = 0; e < 2; e++)
        {
            var alone = (e == 0 ? a0 : a1).StateDict();
            var member = ens.StateDict(e);
            for (int i = 0; i < alone.Count; i++)
            {
                double diff = alone[i].Values.Zip(member[i].Values, (u, v) => Math.Abs(u - v)).DefaultIfEmpty(0).Max();
                Assert.True(diff < 1e-5, $"member {e}: {alone[i].Name} differs from the model trained alone by {diff:E3}");
            }
        }
        Assert.NotEqual(ens.StateDict(0)[^2].Values, ens.StateDict(1)[^2].Values);

        void Step(Model m, Action<PhiloxStream>? skip)
        {
            var opt = Optimizer.Create("sgd", m.Parameters, F.Lr, 0f, 0f, false);
            var noise = new PhiloxStream(F.Seed, F.Stream);
            skip?.Invoke(noise);
            m.SetRequiresGrad(true);
            using var scope = new TensorScope();
            var x = Tensor.FromArray(data.Images.AsSpan(0, b * d), [b, 1, 28, 28], m.Device);
            using var y = IntTensor.FromArray(data.Labels.AsSpan(0, b), m.Device);
            RobustTrainStep.Run(m, opt, x, y, o, o.Epsilon!.Value, o.Alpha!.Value, new PhiloxStream(0, 0), noise).Dispose();
        }
    }

    /// <summary>
    /// The noise the trainer adds has mean 0 and standard deviation σ (4 standard errors either way), is fresh at
    /// every step (two draws uncorrelated) and is clipped to [0, 1] (at σ = 0.5 from mid-grey, P(clip at 0) = Φ(−1)).
    /// </summary>
    [Theory]
    [InlineData(0.05f)]
    [InlineData(0.1f)]
    public void NoiseHasTheSigmaItSays(float sigma)
    {
        int n = 64;
        var grey = Enumerable.Repeat(0.5f, n * 28 * 28).ToArray();
        using var scope = new TensorScope();
        var x = Tensor.FromArray(grey, [n, 1, 28, 28]);
        var rng = new PhiloxStream(7, Trainer.RobustStream(0));
        var first = NoiseAugmentation.Apply(x, sigma, 1, rng).ToArray().Select(v => v - 0.5).ToArray();
        var second = NoiseAugmentation.Apply(x, sigma, 1, rng).ToArray().Select(v => v - 0.5).ToArray();
        int m = first.Length;
        double mean = first.Average(), sd = Math.Sqrt(first.Sum(v => (v - mean) * (v - mean)) / (m - 1));
        Assert.True(Math.Abs(mean) < 4 * sigma / Math.Sqrt(m), $"mean {mean}");
        Assert.True(Math.Abs(sd - sigma) < 4 * sigma / Math.Sqrt(2.0 * m), $"σ {sd} for {sigma}");
        double corr = first.Zip(second, (u, v) => u * v).Sum() / (sigma * sigma * m);
        Assert.True(Math.Abs(corr) < 4 / Math.Sqrt(m), $"two steps' noises correlate: {corr}");

        var wide = NoiseAugmentation.Apply(x, 0.5f, 1, rng).ToArray();
        Assert.All(wide, v => Assert.InRange(v, 0f, 1f));
        double atZero = wide.Count(v => v == 0f) / (double)m, phi = 0.158655;
        Assert.True(Math.Abs(atZero - phi) < 4 * Math.Sqrt(phi * (1 - phi) / m), $"clipped at 0: {atZero}");
    }

    /// <summary>
    /// Twins fine-tuned from the same standardly trained MNIST CNN (the attack fixture's model) for two epochs on 2,000
    /// training images, by FGSM-RS at ε = 0.2 and by standard training: PGD-10 at ε = 0.2 leaves the robust twin
    /// measurably more of 200 test images.
    /// </summary>
    [Fact]
    public void RobustTwinIsHarderToAttack()
    {
        var train = DataLocator.Load("mnist", "train").Take(2000);
        var test = DataLocator.Load("mnist", "test").Take(200);
        var baseOptions = new TrainOptions { Epochs = 2, Batch = 50, Optimizer = "adam", Lr = 0.001f, Seed = 1, RobustEvalLimit = 0 };
        var threat = new RobustOptions { Method = AdversarialMethod.Pgd, Epsilon = 0.2f }.Resolve();
        double Robust(RobustOptions r)
        {
            using var m = Attacks.AttackFixture.Instance.LoadModel();
            Trainer.Run(m, train, null, baseOptions with { Robust = r });
            return RobustEvaluation.PgdAccuracy(m, test, threat, 200, new PhiloxStream(0, Trainer.RobustEvalStream));
        }
        double standard = Robust(new RobustOptions());
        double robust = Robust(new RobustOptions { Method = AdversarialMethod.FgsmRs, Epsilon = 0.2f }.Resolve());
        Assert.True(robust > standard + 0.15, $"PGD-10 robust accuracy: fgsm-rs {robust:P1}, standard {standard:P1}");
    }

    [Theory]
    [InlineData("pgd", null, false, 0f, "--train-eps")]
    [InlineData("trades", 0.1f, true, 0f, "linf only")]
    [InlineData("pgd", 0.1f, false, 0.1f, "does not combine")]
    [InlineData("none", 0.1f, false, 0f, "need --adversarial")]
    [InlineData("pgd", 1.5f, false, 0f, "pixel range")]
    public void BadSettingsAreNamed(string method, float? eps, bool l2, float sigma, string message)
    {
        var o = new RobustOptions { Method = RobustOptions.ParseMethod(method), Epsilon = eps, L2 = l2, NoiseSigma = sigma };
        var e = Assert.Throws<InputException>(() => o.Resolve());
        Assert.Contains(message, e.Message);
    }

    [Fact]
    public void DefaultsFollowThePapers()
    {
        var rs = new RobustOptions { Method = AdversarialMethod.FgsmRs, Epsilon = 0.3f }.Resolve();
        Assert.Equal(0.375f, rs.Alpha!.Value, 6);
        Assert.Equal(1, rs.Steps);
        var pgd = new RobustOptions { Method = AdversarialMethod.Pgd, Epsilon = 8 / 255f, Steps = 7 }.Resolve();
        Assert.Equal(2.5f * 8 / 255f / 7, pgd.Alpha!.Value, 6);
        var fgsm = new RobustOptions { Method = AdversarialMethod.Fgsm, Epsilon = 0.1f }.Resolve();
        Assert.Equal(0.1f, fgsm.Alpha!.Value);
        var warm = new RobustOptions { Method = AdversarialMethod.Pgd, Epsilon = 0.1f, EpsWarmupEpochs = 2 }.Resolve();
        Assert.Equal(0.5f, warm.WarmupFactor(9, 10), 6);
        Assert.Equal(1f, warm.WarmupFactor(19, 10), 6);
        Assert.Equal(1f, warm.WarmupFactor(500, 10), 6);
    }
}
