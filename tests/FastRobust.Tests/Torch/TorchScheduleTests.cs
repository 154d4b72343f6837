using FastRobust.Nn;
using FastRobust.Nn.Optim;
using Xunit;

namespace FastRobust.Tests.Torch;

/// <summary>Learning-rate schedules against torch.optim.lr_scheduler, step by step (5 steps per epoch, 10 epochs).</summary>
public class TorchScheduleTests
{
    private static readonly Dictionary<string, NamedArray> Expect =
        SafeTensors.Read(Path.Combine(AppContext.BaseDirectory, "Fixtures", "schedules.expect.safetensors"));

    private static void Same(string name, LrSchedule s)
    {
        var want = Expect[name].Values;
        for (int i = 0; i < want.Length; i++)
            Assert.True(Math.Abs(want[i] - s.At(i)) <= 1e-6 + 1e-5 * want[i], $"{name} step {i}: torch {want[i]}, ours {s.At(i)}");
    }

    [Fact]
    public void StepMatchesStepLR() => Same("step", LrSchedule.Step(0.1f, stepsPerEpoch: 5, epochStep: 3, gamma: 0.1f));

    [Fact]
    public void CosineMatchesCosineAnnealingLR() => Same("cosine", LrSchedule.Cosine(0.1f, 50));

    [Fact]
    public void OneCycleMatchesOneCycleLR() => Same("one_cycle", LrSchedule.OneCycle(0.1f, 50));
}
