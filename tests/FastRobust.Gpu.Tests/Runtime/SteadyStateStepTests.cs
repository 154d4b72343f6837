using FastRobust.Attacks;
using FastRobust.Data;
using FastRobust.Gpu.Agreement;
using FastRobust.Nn;
using FastRobust.Random;
using FastRobust.Tensors;
using FastRobust.Training;
using Xunit;

namespace FastRobust.Gpu.Tests.Runtime;

/// <summary>
/// The runtime promise of the GPU backend, counted on ilgpu-cpu: once warm, a training step (batch gathered and
/// uploaded by the real BatchLoader, augmented, trained) and a PGD step allocate no device memory and never make
/// the host wait for the device; what is read back is read between steps.
/// </summary>
public class SteadyStateStepTests
{
    private readonly Agreement t = new();

    private IlgpuBackend Gpu => (IlgpuBackend)Agreement.IlgpuCpu.Backend;

    private Dataset TinyData(int n) => new("tiny", t.Rand((long)n * 3 * 8 * 8, 0f, 1f), Enumerable.Range(0, n).Select(_ => t.Int(0, 5)).ToArray(), 3, 8, 8, 5);

    /// <summary>The backend's counters after each step of a training run.</summary>
    private sealed class CounterProgress(IlgpuBackend? backend) : ITrainProgress
    {
        public List<(long HostWaits, long Allocations, long PinnedAllocations)> AfterStep { get; } = new();

        public void EpochStarted(int epoch, int steps) { }

        public void Step(int epoch, int step, double? runningLoss)
        {
            Assert.Null(runningLoss); // the run is shorter than Trainer.ReportEvery: nothing is read back inside it
            if (backend != null) AfterStep.Add((backend.HostWaits, backend.Allocations, backend.PinnedAllocations));
        }

        public void EpochFinished(EpochResult result) { }
    }

    [Fact]
    public void TrainingStepsAfterWarmUpNeitherAllocateNorWaitAndTheLossMatchesCpu()
    {
        var spec = ModelSpec.Parse(ModelCases.Spec);
        ulong seed = (ulong)t.Seed;
        var data = TinyData(40);
        var options = new TrainOptions { Epochs = 1, Batch = 4, Lr = 0.05f, Momentum = 0.9f, Seed = seed, Augment = new Augmentation(1, true) };
        Assert.True(data.N / options.Batch < Trainer.ReportEvery);

        var results = new[] { Device.Cpu, Agreement.IlgpuCpu }.Select(dev =>
        {
            using var model = Model.Create(spec, dev, seed);
            var progress = new CounterProgress(dev.Backend as IlgpuBackend);
            var epochs = Trainer.Run(model, data, null, options, progress);
            return (Loss: epochs[0].TrainLoss, progress.AfterStep);
        }).ToArray();

        var counters = results[1].AfterStep;
        Assert.Equal(10, counters.Count);
        for (int step = 2; step < counters.Count; step++)
        {
            Assert.True(counters[step].HostWaits == counters[1].HostWaits,
                $"step {step + 1} made the host wait for the device {counters[step].HostWaits - counters[1].HostWaits} time(s) since step 2");
            Assert.True(counters[step].Allocations == counters[1].Allocations,
                $"step {step + 1} allocated {counters[step].Allocations - counters[1].Allocations} device block(s) since step 2");
        }
        // each staging slot is allocated at most once while the batch size stays the same
        Assert.InRange(counters[^1].PinnedAllocations - counters[0].PinnedAllocations, 0, PinnedUploadRing.SlotCount);

        t.Close([(float)results[0].Loss], [(float)results[1].Loss], "mean training loss over 10 steps", 2e-4);
    }

    /// <summary>
    /// PGD without early stopping (early stopping reads the predictions back every step by design, to drop the
    /// samples already fooled): a run of 7 steps waits for the device exactly as often as a run of 2, so no step
    /// waits, and neither allocates once the pool is warm.
    /// </summary>
    [Fact]
    public void PgdStepsNeitherAllocateNorWait()
    {
        var spec = ModelSpec.Parse(ModelCases.Spec);
        ulong seed = (ulong)t.Seed;
        var data = TinyData(6);
        using var model = Model.Create(spec, Agreement.IlgpuCpu, seed);
        using var x = Tensor.FromArray(data.Images, [data.N, 3, 8, 8], Agreement.IlgpuCpu).KeepAlive();
        using var y = IntTensor.FromArray(data.Labels, Agreement.IlgpuCpu);

        (long Waits, long Allocations) Attack(int steps)
        {
            var options = new AttackOptions { Epsilon = 8f / 255f, Steps = steps, EarlyStop = false };
            long waits = Gpu.HostWaits, allocations = Gpu.Allocations;
            using var result = new Pgd().Run(model, x, y, options, new PhiloxStream(seed, 7));
            return (Gpu.HostWaits - waits, Gpu.Allocations - allocations);
        }

        Attack(7); // warms the pool
        var shortRun = Attack(2);
        var longRun = Attack(7);
        Assert.True(longRun.Waits == shortRun.Waits,
            $"7 PGD steps made the host wait {longRun.Waits} times, 2 steps {shortRun.Waits} times: some step waits for the device");
        Assert.Equal(0, shortRun.Allocations);
        Assert.Equal(0, longRun.Allocations);
    }

    /// <summary>Tensors created and disposed in a loop take their blocks from the pool: nothing is allocated after the first round.</summary>
    [Fact]
    public void TensorsInALoopAllocateNothingAfterTheFirstRound()
    {
        void Step()
        {
            using var a = Tensor.Full([123], 1f, Agreement.IlgpuCpu);
            using var b = IntTensor.Empty(77, Agreement.IlgpuCpu);
            using var c = Tensor.Empty([5, 7], Agreement.IlgpuCpu);
        }
        Step();
        long before = Gpu.Allocations;
        for (int i = 0; i < 5; i++) Step();
        Assert.Equal(before, Gpu.Allocations);
    }
}
