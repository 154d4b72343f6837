using FastRobust.Autograd;
using FastRobust.Nn;
using FastRobust.Nn.Optim;
using FastRobust.Random;
using FastRobust.Tensors;
using Xunit;

namespace FastRobust.Tests.Torch;

/// <summary>Whole networks against PyTorch on the same weights and inputs: logits, input gradients, weight gradients, optimizer steps.</summary>
public class TorchModelTests
{
    public static TheoryData<string> Fixtures() => new(TorchFixture.Names);

    private static void Close(float[] expected, float[] actual, double tol, string what)
    {
        Assert.Equal(expected.Length, actual.Length);
        double scale = Math.Max(1e-3, expected.Max(v => Math.Abs(v)));
        for (int i = 0; i < expected.Length; i++)
        {
            double err = Math.Abs(expected[i] - actual[i]) / scale;
            Assert.True(err <= tol, $"{what}[{i}]: torch {expected[i]}, ours {actual[i]} (relative error {err:E2} > {tol:E0})");
        }
    }

    private static (Model, Tensor, IntTensor) Load(TorchFixture f)
    {
        var model = Model.Load(f.SpecPath, f.WeightsPath, Device.Cpu);
        var x = Tensor.FromArray(f["x"], f.Shape("x")).KeepAlive();
        var y = IntTensor.FromArray(f.Labels);
        return (model, x, y);
    }

    [Theory]
    [MemberData(nameof(Fixtures))]
    public void EvalLogitsAndInputGradientMatchTorch(string name)
    {
        var f = new TorchFixture(name);
        var (model, x, y) = Load(f);
        model.SetRequiresGrad(false);
        x.RequiresGrad = true;
        using var scope = new TensorScope();
        var logits = model.Forward(x);
        Close(f["eval.logits"], logits.ToArray(), 2e-5, "logits");
        var loss = Ops.CrossEntropy(logits, y, Reduction.Sum, f.Smoothing);
        Close(f["eval.loss_sum"], loss.ToArray(), 2e-5, "loss");
        Tape.Backward(loss);
        Close(f["eval.input_grad"], x.Grad!.ToArray(), 5e-5, "input gradient");
        foreach (var p in model.Trainable) Assert.Null(p.Value.Grad);
    }

    [Theory]
    [MemberData(nameof(Fixtures))]
    public void TrainModeGradientsAndRunningStatsMatchTorch(string name)
    {
        var f = new TorchFixture(name);
        var (model, x, y) = Load(f);
        model.SetRequiresGrad(true);
        using var scope = new TensorScope();
        var loss = Ops.CrossEntropy(model.Forward(x, new ForwardContext(true, new PhiloxStream(0, 0))), y, Reduction.Mean, f.Smoothing);
        Close(f["train.loss"], loss.ToArray(), 2e-5, "train loss");
        Tape.Backward(loss);
        int checkedGrads = 0;
        foreach (var p in model.Trainable)
        {
            Close(f["train.grad." + p.Name], p.Value.Grad!.ToArray(), 1e-4, "grad " + p.Name);
            checkedGrads++;
        }
        Assert.Equal(f.Expect.Keys.Count(k => k.StartsWith("train.grad.")), checkedGrads);
        foreach (var p in model.Parameters.Where(p => !p.Trainable))
            Close(f["train.after." + p.Name], p.Value.ToArray(), 2e-5, p.Name);
    }

    public static TheoryData<string, string> FixtureOptimizers()
    {
        var data = new TheoryData<string, string>();
        foreach (var n in TorchFixture.Names)
            foreach (var o in new[] { "sgd", "sgd_nesterov", "sgd_plain", "adam", "adamw", "rmsprop", "rmsprop_momentum" })
                data.Add(n, o);
        return data;
    }

    /// <summary>Three training steps with each optimizer as configured in make_fixtures.py.</summary>
    [Theory]
    [MemberData(nameof(FixtureOptimizers))]
    public void ThreeOptimizerStepsMatchTorch(string name, string optimizer)
    {
        var f = new TorchFixture(name);
        var (model, x, y) = Load(f);
        model.SetRequiresGrad(true);
        var ps = model.Parameters;
        Optimizer opt = optimizer switch
        {
            "sgd" => new Sgd(ps, 0.1f, momentum: 0.9f, weightDecay: 5e-4f),
            "sgd_nesterov" => new Sgd(ps, 0.05f, momentum: 0.9f, weightDecay: 1e-3f, nesterov: true),
            "sgd_plain" => new Sgd(ps, 0.1f),
            "adam" => new Adam(ps, 1e-2f, weightDecay: 1e-3f),
            "adamw" => new Adam(ps, 1e-2f, weightDecay: 1e-2f, decoupled: true),
            "rmsprop" => new RmsProp(ps, 1e-3f, weightDecay: 1e-4f),
            "rmsprop_momentum" => new RmsProp(ps, 1e-3f, momentum: 0.9f),
            _ => throw new ArgumentException(optimizer),
        };
        for (int step = 0; step < 3; step++)
        {
            using var scope = new TensorScope();
            var loss = Ops.CrossEntropy(model.Forward(x, new ForwardContext(true, new PhiloxStream(0, 0))), y, Reduction.Mean, f.Smoothing);
            Tape.Backward(loss);
            opt.Step();
            opt.ZeroGrad();
        }
        double tol = 1e-4;
        foreach (var p in model.Trainable)
            Close(f[$"opt.{optimizer}.{p.Name}"], p.Value.ToArray(), tol, $"{optimizer} {p.Name}");
    }
}
