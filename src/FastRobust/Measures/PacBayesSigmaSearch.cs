using FastRobust.Tensors;

namespace FastRobust.Measures;

/// <summary>
/// The PAC-Bayes σ search of Jiang et al. 2020 (appendix C, the sharpness section; the algorithm of the public
/// port): the largest σ such that Gaussian noise on the weights lowers the accuracy by the target deviation, found
/// by bisection over [lower, upper]. The Monte-Carlo samples of a step are one batched evaluation: S perturbed
/// copies of the trainable parameters are drawn on the device (<see cref="PerturbedEnsemble"/>) and run together
/// through the ensemble dimension. Noise of sample e, parameter k at step t is
/// Philox.Normal(seed, <see cref="NoiseStream"/>(magnitude, t, k), 0, e·P_k + j): a reference loop can rebuild it.
/// </summary>
public static class PacBayesSigmaSearch
{
    /// <summary>The Philox stream of the noise of parameter k at bisection step t.</summary>
    public static ulong NoiseStream(bool magnitude, int step, int param) =>
        (magnitude ? 0x534D_0000_0000_0000UL : 0x5350_0000_0000_0000UL) | ((ulong)(uint)step << 20) | (uint)param;

    /// <summary>The per-element noise std for a searched σ under a convention (docs/measures.md).</summary>
    public static double NoiseStd(double sigma, double weight, bool magnitude, double epsilon, SigmaConvention convention) =>
        (magnitude, convention) switch
        {
            (false, SigmaConvention.Paper) => sigma,
            (false, SigmaConvention.Port) => sigma * sigma,
            (true, SigmaConvention.Paper) => Math.Sqrt(sigma * sigma * weight * weight + epsilon * epsilon),
            _ => sigma * sigma * weight * weight + epsilon * epsilon,
        };

    public static SearchResult Run(PerturbedEnsemble ens, SharpnessData data, MeasureOptions o, bool magnitude)
    {
        var be = ens.Base.Device.Backend;
        var stds = new Tensor[ens.Trainable.Length];
        using var scalars = Tensor.Empty([2], ens.Base.Device).KeepAlive();
        try
        {
            for (int k = 0; k < stds.Length; k++) stds[k] = Tensor.Empty([(int)ens.BaseParameter(k).MemberCount], ens.Base.Device).KeepAlive();
            double lower = o.SigmaLower, upper = o.SigmaUpper, sigma = (lower + upper) / 2;
            var steps = new List<SearchStep>();
            for (int t = 0; t < o.SigmaSearchDepth; t++)
            {
                sigma = (lower + upper) / 2;
                for (int k = 0; k < stds.Length; k++) FillStd(be, stds[k], ens.BaseParameter(k).Value, sigma, magnitude, o, scalars);
                int step = t;
                ens.SetGaussian(k => stds[k], o.Seed, k => NoiseStream(magnitude, step, k));
                var s = EvaluateStep(ens, data, o, sigma);
                steps.Add(s);
                if (s.Outcome == StepOutcome.Within) break;
                if (s.Outcome == StepOutcome.Above) upper = sigma;
                else (lower, upper) = Bracket.Widen(steps, sigma, upper, o);
            }
            return new SearchResult(sigma, steps, upper);
        }
        finally
        {
            foreach (var t in stds) t?.Dispose();
        }
    }

    /// <summary>
    /// std = σ (paper) or σ² (port); magnitude-aware √(w²·σ² + ε²) (paper) or w²·σ² + ε² (port), each operation
    /// rounded once in float32 (no fused multiply-add), so a host loop can rebuild the very same values from this rule.
    /// </summary>
    private static void FillStd(Backend be, Tensor std, Tensor w, double sigma, bool magnitude, MeasureOptions o, Tensor scalars)
    {
        if (!magnitude)
        {
            be.Fill(std.Buffer, 0, std.Count, (float)NoiseStd(sigma, 0, false, 0, o.SigmaConvention));
            return;
        }
        be.Fill(scalars.Buffer, 0, 1, (float)(sigma * sigma));
        be.Fill(scalars.Buffer, 1, 1, (float)(o.MagnitudeEpsilon * o.MagnitudeEpsilon));
        be.Unary(UnaryOp.Square, w.Buffer, std.Buffer, std.Count);
        be.BinaryRow(BinaryOp.Mul, std.Buffer, scalars.Buffer, std.Buffer, 1, std.Count);
        be.Copy(scalars.Buffer, 1, scalars.Buffer, 0, 1);
        be.BinaryRow(BinaryOp.Add, std.Buffer, scalars.Buffer, std.Buffer, 1, std.Count);
        if (o.SigmaConvention == SigmaConvention.Paper) be.Unary(UnaryOp.Sqrt, std.Buffer, std.Buffer, std.Count);
    }

    /// <summary>Evaluates the current perturbed members chunk by chunk until the step's outcome is decided.</summary>
    public static SearchStep EvaluateStep(PerturbedEnsemble ens, SharpnessData data, MeasureOptions o, double scale)
    {
        int n = data.N, seen = 0;
        double sumY = 0, sumY2 = 0;
        double z = o.SigmaEvaluation == SearchEvaluation.Adaptive ? o.AdaptiveZ : 0;
        while (true)
        {
            int b = Math.Min(o.SearchChunk, n - seen);
            var counts = ens.CorrectCounts(data.Set, seen, b, o.SearchBatch);
            foreach (int c in counts)
            {
                double y = (double)c / ens.Members;
                sumY += y;
                sumY2 += y * y;
            }
            seen += b;
            var outcome = StepRule.Decide(seen, n, sumY, sumY2, data.Accuracy, o.TargetDeviation, o.DeviationTolerance, z);
            if (outcome is { } decided) return new SearchStep(scale, sumY / seen, seen, decided);
        }
    }
}
