using System.Diagnostics;
using FastRobust.Data;
using FastRobust.Nn;
using FastRobust.Nn.Optim;
using FastRobust.Random;
using FastRobust.Tensors;

namespace FastRobust.Training;

/// <summary>
/// Mini-batch training with a chosen optimizer and schedule. The data order, augmentation and dropout masks come
/// from the seed through Philox, so a run is reproducible on any backend. The loss and accuracy are summed on the
/// device and read back only when reported.
/// </summary>
public static class Trainer
{
    /// <summary>Steps between reads of the running loss for the progress display.</summary>
    public const int ReportEvery = 25;

    /// <summary>The Philox stream of epoch e's dropout masks (apart from the data streams of <see cref="DataStreams"/>).</summary>
    public static ulong DropoutStream(int epoch) => 0xD40F_0000_0000_0000UL + (uint)epoch;

    /// <summary>The Philox stream of epoch e's random starts and training noise (robust training).</summary>
    public static ulong RobustStream(int epoch) => 0xAD50_0000_0000_0000UL + (uint)epoch;

    /// <summary>The Philox stream of the per-epoch robust evaluation.</summary>
    public const ulong RobustEvalStream = 0xAD5E_0000_0000_0000UL;

    public static List<EpochResult> Run(Model model, Dataset train, Dataset? test, TrainOptions o, ITrainProgress? progress = null)
    {
        var loader = new BatchLoader(train, o.Batch, model.Device, new BatchOptions { Shuffle = true, Seed = o.Seed, Augment = o.Augment });
        var opt = Optimizer.Create(o.Optimizer, model.Parameters, o.Lr, o.Momentum, o.WeightDecay, o.Nesterov);
        var schedule = LrSchedule.Parse(o.Schedule, o.Lr, loader.BatchCount, o.Epochs);
        var be = model.Device.Backend;
        var results = new List<EpochResult>();
        using var lossSum = Tensor.Zeros([1], model.Device).KeepAlive();
        using var correct = Tensor.Zeros([model.Members], model.Device).KeepAlive();
        var robust = o.Robust.Resolve();
        using var cleanLossSum = Tensor.Zeros([1], model.Device).KeepAlive();
        using var cleanCorrect = Tensor.Zeros([model.Members], model.Device).KeepAlive();
        var sums = new RobustStepSums(correct, cleanLossSum, cleanCorrect);
        float eps = 0f;
        long step = 0;
        for (int epoch = 0; epoch < o.Epochs; epoch++)
        {
            var sw = Stopwatch.StartNew();
            progress?.EpochStarted(epoch, loader.BatchCount);
            be.Fill(lossSum.Buffer, 0, 1, 0f);
            be.Fill(correct.Buffer, 0, correct.Count, 0f);
            be.Fill(cleanLossSum.Buffer, 0, 1, 0f);
            be.Fill(cleanCorrect.Buffer, 0, cleanCorrect.Count, 0f);
            var dropout = new PhiloxStream(o.Seed, DropoutStream(epoch));
            var noise = new PhiloxStream(o.Seed, RobustStream(epoch));
            model.SetRequiresGrad(true);
            int steps = 0, seen = 0;
            foreach (var batch in loader.Epoch(epoch))
            {
                using (batch)
                {
                    opt.Lr = schedule.At(step);
                    if (robust.Adversarial) eps = robust.Epsilon!.Value * robust.WarmupFactor(step, loader.BatchCount);
                    using var loss = robust.Active
                        ? RobustTrainStep.Run(model, opt, batch.Images, batch.Labels, robust, eps,
                            robust.Alpha.GetValueOrDefault() * robust.WarmupFactor(step, loader.BatchCount), dropout, noise, o.LabelSmoothing, sums)
                        : TrainStep.Run(model, opt, batch.Images, batch.Labels, dropout, o.LabelSmoothing, correct);
                    be.Axpby(loss.Buffer, lossSum.Buffer, 1, 1f, 1f);
                    seen += batch.Size;
                }
                steps++;
                step++;
                double? running = progress != null && steps % ReportEvery == 0 ? lossSum.Item() / steps : null;
                progress?.Step(epoch, steps, running);
            }
            double trainLoss = lossSum.Item() / Math.Max(1, steps);
            double trainAcc = correct.ToArray()[0] / Math.Max(1, seen);
            double seconds = sw.Elapsed.TotalSeconds;
            double? testLoss = null, testAcc = null, testRobust = null, cleanLoss = null, cleanAcc = null;
            if (robust.Active)
            {
                cleanLoss = cleanLossSum.Item() / Math.Max(1, steps);
                cleanAcc = cleanCorrect.ToArray()[0] / Math.Max(1, seen);
            }
            if (test != null)
            {
                var (acc, l) = BatchedInference.Evaluate(model, test.Images, test.Labels, Math.Max(o.Batch, 256));
                testAcc = acc;
                testLoss = l;
                if (robust.Adversarial && o.RobustEvalLimit > 0 && model.Members == 1)
                    testRobust = RobustEvaluation.PgdAccuracy(model, test, robust, o.RobustEvalLimit, new PhiloxStream(o.Seed, RobustEvalStream));
            }
            var r = new EpochResult(epoch + 1, trainLoss, trainAcc, testLoss, testAcc, seconds, seen / seconds, opt.Lr,
                cleanLoss, cleanAcc, testRobust, robust.Adversarial ? eps : null);
            results.Add(r);
            progress?.EpochFinished(r);
        }
        model.SetRequiresGrad(false);
        return results;
    }
}
