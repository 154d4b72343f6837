using FastRobust.Autograd;
using FastRobust.Data;
using FastRobust.Tensors;

namespace FastRobust.Measures;

/// <summary>
/// Worst-case (adversarial) weight sharpness, the α′ of Jiang et al. 2020's sharpness measures as estimated by the
/// PGDL competition's baseline: the largest box half-width α′ such that the worst weights found inside the box
/// w ± h (h = α′ for the plain box, α′|w| + ε for the magnitude box) lower the accuracy by the target deviation.
/// Each bisection step starts R restarts at uniform random points of the box (run together as ensemble members),
/// climbs the cross-entropy for a number of steps on mini-batches, projecting back into the box after every step,
/// and keeps the lowest accuracy of the restarts.
/// </summary>
public static class WorstCaseSharpness
{
    public static ulong StartStream(bool magnitude, int step, int param) =>
        (magnitude ? 0x574D_0000_0000_0000UL : 0x5750_0000_0000_0000UL) | ((ulong)(uint)step << 20) | (uint)param;

    public static SearchResult Run(PerturbedEnsemble ens, SharpnessData data, MeasureOptions o, bool magnitude)
    {
        var dev = ens.Base.Device;
        var be = dev.Backend;
        int kCount = ens.Trainable.Length, r = ens.Members;
        int evalImages = Math.Min(o.WorstCaseImages, data.N);
        // the reference accuracy of the worst-case search is the clean accuracy on its own evaluation images
        double reference = (double)data.CleanCorrect.AsSpan(0, evalImages).ToArray().Sum() / Math.Max(1, evalImages);
        var half = new Tensor[kCount];
        var halfE = new Tensor[kCount];
        var lowE = new Tensor[kCount];
        var highE = new Tensor[kCount];
        try
        {
            for (int k = 0; k < kCount; k++)
            {
                long per = ens.BaseParameter(k).MemberCount;
                half[k] = Tensor.Empty([(int)per], dev).KeepAlive();
                halfE[k] = Tensor.Empty([(int)(per * r)], dev).KeepAlive();
                lowE[k] = Tensor.Empty([(int)(per * r)], dev).KeepAlive();
                highE[k] = Tensor.Empty([(int)(per * r)], dev).KeepAlive();
            }
            double lower = o.AlphaLower, upper = o.AlphaUpper, alpha = (lower + upper) / 2;
            var steps = new List<SearchStep>();
            for (int t = 0; t < o.AlphaSearchDepth; t++)
            {
                alpha = (lower + upper) / 2;
                SetBox(ens, half, halfE, lowE, highE, alpha, magnitude, o);
                for (int k = 0; k < kCount; k++)
                {
                    var p = ens.MemberParameter(k);
                    long n = p.MemberCount * r;
                    be.FillUniform(p.Value.Buffer, n, o.Seed, StartStream(magnitude, t, k), 0, -1f, 1f);
                    be.ChannelAffine(p.Value.Buffer, half[k].Buffer, ens.BaseParameter(k).Value.Buffer, p.Value.Buffer, r, (int)p.MemberCount, 1);
                }
                Ascend(ens, data.Set, halfE, lowE, highE, o);
                var accuracies = ens.MemberAccuracies(data.Set, evalImages, o.SearchChunk);
                double worst = accuracies.Min();
                var outcome = StepRule.Outcome(worst, reference, o.TargetDeviation, o.DeviationTolerance);
                steps.Add(new SearchStep(alpha, worst, evalImages, outcome));
                if (outcome == StepOutcome.Within) break;
                if (outcome == StepOutcome.Above) upper = alpha;
                else (lower, upper) = Bracket.Widen(steps, alpha, upper, o);
            }
            return new SearchResult(alpha, steps, upper);
        }
        finally
        {
            foreach (var t in half.Concat(halfE).Concat(lowE).Concat(highE)) t?.Dispose();
        }
    }

    /// <summary>h = α′ (plain) or α′|w| + ε (magnitude), and the member-expanded h, w − h, w + h.</summary>
    private static void SetBox(PerturbedEnsemble ens, Tensor[] half, Tensor[] halfE, Tensor[] lowE, Tensor[] highE, double alpha, bool magnitude, MeasureOptions o)
    {
        var be = ens.Base.Device.Backend;
        int r = ens.Members;
        for (int k = 0; k < half.Length; k++)
        {
            var w = ens.BaseParameter(k).Value;
            int per = (int)w.Count;
            if (magnitude)
            {
                be.Unary(UnaryOp.Abs, w.Buffer, half[k].Buffer, per);
                be.Affine(half[k].Buffer, half[k].Buffer, per, (float)alpha, (float)o.WorstCaseBoxEpsilon);
            }
            else be.Fill(half[k].Buffer, 0, per, (float)alpha);
            // y = x·0 + shift broadcasts a [P] vector to [R, P] (x only has to be finite: the filled member weights)
            using var zero = Tensor.Zeros([per], ens.Base.Device);
            be.Fill(halfE[k].Buffer, 0, halfE[k].Count, 0f);
            be.ChannelAffine(halfE[k].Buffer, zero.Buffer, half[k].Buffer, halfE[k].Buffer, r, per, 1);
            be.ChannelAffine(halfE[k].Buffer, zero.Buffer, w.Buffer, lowE[k].Buffer, r, per, 1);
            be.Axpby(halfE[k].Buffer, lowE[k].Buffer, lowE[k].Count, -1f, 1f);
            be.ChannelAffine(halfE[k].Buffer, zero.Buffer, w.Buffer, highE[k].Buffer, r, per, 1);
            be.Axpby(halfE[k].Buffer, highE[k].Buffer, highE[k].Count, 1f, 1f);
        }
    }

    /// <summary>Climbs the mean cross-entropy of every member, projecting into the box after each step.</summary>
    private static void Ascend(PerturbedEnsemble ens, Dataset set, Tensor[] halfE, Tensor[] lowE, Tensor[] highE, MeasureOptions o)
    {
        var dev = ens.Base.Device;
        var be = dev.Backend;
        var model = ens.Ensemble;
        model.SetRequiresGrad(true);
        try
        {
            int size = set.ImageSize;
            for (int s = 0; s < o.AscentSteps; s++)
            {
                using var scope = new TensorScope();
                int start = (int)((long)s * o.AscentBatch % set.N);
                int b = Math.Min(o.AscentBatch, set.N - start);
                var x = Tensor.FromArray(set.Images.AsSpan(start * size, b * size), [b, set.C, set.H, set.W], dev);
                using var y = IntTensor.FromArray(set.Labels.AsSpan(start, b), dev);
                var loss = Ops.CrossEntropy(model.Forward(x), y);
                Tape.Backward(loss);
                for (int k = 0; k < halfE.Length; k++)
                {
                    var p = ens.MemberParameter(k).Value;
                    var g = p.Grad;
                    if (g == null) continue;
                    if (o.AscentRule == AscentRule.Sign)
                    {
                        be.Unary(UnaryOp.Sign, g.Buffer, g.Buffer, g.Count);
                        be.Binary(BinaryOp.Mul, g.Buffer, halfE[k].Buffer, g.Buffer, g.Count);
                        be.Axpby(g.Buffer, p.Buffer, p.Count, (float)o.AscentStepFraction, 1f);
                    }
                    else be.Axpby(g.Buffer, p.Buffer, p.Count, (float)o.AscentLearningRate, 1f);
                    be.Binary(BinaryOp.Max, p.Buffer, lowE[k].Buffer, p.Buffer, p.Count);
                    be.Binary(BinaryOp.Min, p.Buffer, highE[k].Buffer, p.Buffer, p.Count);
                    g.Dispose();
                    p.Grad = null;
                }
            }
        }
        finally
        {
            model.SetRequiresGrad(false);
        }
    }
}
