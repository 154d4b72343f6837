using System.Diagnostics;
using FastRobust.Autograd;
using FastRobust.Data;
using FastRobust.Nn;
using FastRobust.Nn.Optim;
using FastRobust.Random;
using FastRobust.Tensors;

namespace FastRobust.Training;

/// <summary>
/// A zoo of models of one architecture trained as one ensemble: member e of <c>model</c> trains with members[e]'s
/// optimizer, learning rate, schedule, momentum and weight decay, while all members see the same batches (one data
/// order, one augmentation, one dropout mask per layer: what a model alone with the shared seed draws). Each member
/// ends where it would have ended trained alone by <see cref="Trainer"/>, and each forward and backward pass
/// serves all of them. Members must agree on what fixes the data and the loss: epochs, batch, seed, augmentation
/// and label smoothing; robust training is not grouped.
/// </summary>
public static class ZooTrainer
{
    /// <summary>Why these options cannot train together, or null when they can.</summary>
    public static string? Incompatibility(IReadOnlyList<TrainOptions> members)
    {
        var o = members[0];
        foreach (var m in members)
        {
            if (m.Epochs != o.Epochs || m.Batch != o.Batch || m.Seed != o.Seed) return "members differ in epochs, batch or seed";
            if (m.Augment != o.Augment || m.LabelSmoothing != o.LabelSmoothing) return "members differ in augmentation or label smoothing";
            if (m.Robust.Resolve().Active) return "robust training is not grouped";
        }
        return null;
    }

    /// <summary>Trains the members together; returns each member's epochs, as <see cref="Trainer.Run"/> would report them alone.</summary>
    public static List<EpochResult>[] Run(Model model, Dataset train, Dataset? test, IReadOnlyList<TrainOptions> members, ITrainProgress? progress = null)
    {
        int count = model.Members;
        if (members.Count != count) throw new ArgumentException($"{members.Count} options for an ensemble of {count}");
        if (Incompatibility(members) is { } why) throw new ArgumentException(why);
        var o = members[0];
        var loader = new BatchLoader(train, o.Batch, model.Device, new BatchOptions { Shuffle = true, Seed = o.Seed, Augment = o.Augment });
        var state = new OptimizerState();
        var opts = members.Select((m, e) => Optimizer.Create(m.Optimizer, model.Parameters, m.Lr, m.Momentum, m.WeightDecay, m.Nesterov,
            new MemberSlice(e, count), state)).ToList();
        var opt = new MemberOptimizers(opts);
        var schedules = members.Select(m => LrSchedule.Parse(m.Schedule, m.Lr, loader.BatchCount, m.Epochs)).ToList();
        var be = model.Device.Backend;
        using var lossSums = Tensor.Zeros([count], model.Device).KeepAlive();
        using var correct = Tensor.Zeros([count], model.Device).KeepAlive();
        var results = Enumerable.Range(0, count).Select(_ => new List<EpochResult>()).ToArray();
        long step = 0;
        for (int epoch = 0; epoch < o.Epochs; epoch++)
        {
            var sw = Stopwatch.StartNew();
            progress?.EpochStarted(epoch, loader.BatchCount);
            be.Fill(lossSums.Buffer, 0, count, 0f);
            be.Fill(correct.Buffer, 0, count, 0f);
            var dropout = new PhiloxStream(o.Seed, Trainer.DropoutStream(epoch));
            model.SetRequiresGrad(true);
            int steps = 0, seen = 0;
            foreach (var batch in loader.Epoch(epoch))
            {
                using (batch)
                {
                    for (int e = 0; e < count; e++) opts[e].Lr = schedules[e].At(step);
                    Step(model, opt, batch.Images, batch.Labels, dropout, o.LabelSmoothing, lossSums, correct);
                    seen += batch.Size;
                }
                steps++;
                step++;
                double? running = progress != null && steps % Trainer.ReportEvery == 0 ? lossSums.ToArray().Average() / steps : null;
                progress?.Step(epoch, steps, running);
            }
            double seconds = sw.Elapsed.TotalSeconds;
            var loss = lossSums.ToArray();
            var right = correct.ToArray();
            for (int e = 0; e < count; e++)
            {
                double? testAcc = null, testLoss = null;
                if (test != null)
                {
                    using var member = model.Member(e);
                    var (acc, l) = BatchedInference.Evaluate(member, test.Images, test.Labels, Math.Max(o.Batch, 256));
                    (testAcc, testLoss) = (acc, l);
                }
                var r = new EpochResult(epoch + 1, loss[e] / Math.Max(1, steps), right[e] / Math.Max(1, seen), testLoss, testAcc,
                    seconds, (double)seen * count / seconds, opts[e].Lr);
                results[e].Add(r);
            }
            progress?.EpochFinished(results[0][^1]);
        }
        model.SetRequiresGrad(false);
        return results;
    }

    /// <summary>One step of every member; adds each member's mean loss to lossSums[e] and its correct count to correct[e].</summary>
    internal static void Step(Model model, Optimizer opt, Tensor x, IntTensor y, PhiloxStream rng, float labelSmoothing, Tensor lossSums, Tensor correct)
    {
        using var scope = new TensorScope();
        int count = model.Members;
        var logits = model.Forward(x, new ForwardContext(true, rng) { SharedDropoutMembers = count });
        // the mean over the samples summed over the members: each member gets exactly the gradient it would get alone
        var loss = Ops.CrossEntropy(logits, y, Reduction.Mean, labelSmoothing);
        var be = model.Device.Backend;
        int k = logits.Shape[^1], rows = (int)(logits.Count / k);
        be.CountCorrect(logits.Buffer, y.Buffer, correct.Buffer, rows, k, y.Length);
        using (GradMode.NoGrad())
        {
            var perSample = Ops.CrossEntropy(logits.Detach(), y, Reduction.None, labelSmoothing);
            using var memberLoss = Tensor.Empty([count], model.Device);
            be.ReduceRows(RowReduce.Sum, perSample.Buffer, memberLoss.Buffer, count, y.Length);
            be.Axpby(memberLoss.Buffer, lossSums.Buffer, count, 1f / y.Length, 1f);
        }
        Tape.Backward(loss);
        opt.Step();
        opt.ZeroGrad();
    }
}
