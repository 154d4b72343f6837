using FastRobust.Nn;

namespace FastRobust.Measures;

/// <summary>
/// The norm- and margin-based measures of Jiang et al. 2020 (appendix C; equation numbers as in docs/measures.md) on
/// the folded conv/linear weights, biases excluded: per-layer Frobenius, spectral (reshaped kernel, exact
/// operator, FFT), nuclear norms and distances from initialisation, then their products and sums, each also "over
/// margin", the path norm and the parameter count. Spectral families: "spec" is the reshaped kernel (what the
/// paper and port compute), "spec_op" the exact operator norm of each convolution, "spec_fft" Sedghi et al.
/// </summary>
public static class NormMeasures
{
    public const string Group = "norms";

    private static string Eq(int n) => $"Jiang et al. 2020 eq. {n}";

    public static void Compute(MeasureResults into, Model model, FoldedNetwork net, FoldedNetwork? init, double gamma, MeasureOptions o, string options)
    {
        void Add(string name, double v, string reference = "") => into.Add(name, v, Group, reference, options);
        var layers = net.Layers;
        int d = layers.Count;
        if (init != null && (init.Layers.Count != d || init.Layers.Zip(layers).Any(p => p.First.Weight.Length != p.Second.Weight.Length)))
            throw new Util.InputException("the initial weights do not match the model's architecture");
        var fro = new double[d];
        var spec = new double[d];
        var specOp = new double[d];
        var specFft = new double[d];
        var nuclear = new double[d];
        var froDist = new double[d];
        var specDist = new double[d];
        var specOpDist = new double[d];
        var specFftDist = new double[d];
        for (int i = 0; i < d; i++)
        {
            var l = layers[i];
            fro[i] = Math.Sqrt(SpectralNorms.Dot(l.Weight, l.Weight));
            var sv = SpectralNorms.SingularValues(l.Weight, l.Rows, l.Cols);
            spec[i] = sv[0];
            nuclear[i] = sv.Sum();
            specOp[i] = OperatorNorm(l, l.Weight, o, sv[0]);
            specFft[i] = FftNorm(l, l.Weight, o, sv[0]);
            string p = $"layer{l.Index}.";
            Add(p + "fro", fro[i]);
            Add(p + "spec", spec[i], "reshaped kernel [O, C·KH·KW]");
            Add(p + "spec_op", specOp[i], l.IsConv ? "exact operator norm (Lanczos)" : "= spec for a linear layer");
            Add(p + "spec_fft", specFft[i], l.IsConv ? "Sedghi et al. 2019 (circular padding)" : "= spec for a linear layer");
            Add(p + "nuclear", nuclear[i], "trace norm Σσ of the reshaped kernel");
            if (init != null)
            {
                var diff = l.Weight.Zip(init.Layers[i].Weight, (a, b) => a - b).ToArray();
                froDist[i] = Math.Sqrt(SpectralNorms.Dot(diff, diff));
                specDist[i] = SpectralNorms.SingularValues(diff, l.Rows, l.Cols)[0];
                specOpDist[i] = OperatorNorm(l, diff, o, specDist[i]);
                specFftDist[i] = FftNorm(l, diff, o, specDist[i]);
                Add(p + "fro_dist", froDist[i]);
                Add(p + "spec_dist", specDist[i]);
            }
        }

        double logGamma2 = 2 * Math.Log(Math.Abs(gamma));
        var w = net.WeightVector();
        Add("params", w.Length, Eq(20) + " (folded conv/linear weights)");
        Add("params_trainable", model.ParameterCount, "every trainable value, biases and batch norm included");
        Add("inverse_margin", 1 / (gamma * gamma), Eq(22));
        Add("l2", Math.Sqrt(SpectralNorms.Dot(w, w)));
        Add("param_norm", fro.Sum(x => x * x), Eq(42));
        Add("sum_of_nuclear", nuclear.Sum());
        Add("log_prod_of_nuclear", nuclear.Sum(x => Math.Log(x)));

        double logProdFro = fro.Sum(x => 2 * Math.Log(x));
        Add("log_prod_of_fro", logProdFro, Eq(37));
        Add("log_prod_of_fro_over_margin", logProdFro - logGamma2, Eq(36));
        Add("log_sum_of_fro", Math.Log(d) + logProdFro / d, Eq(39));
        Add("log_sum_of_fro_over_margin", Math.Log(d) + (logProdFro - logGamma2) / d, Eq(38));

        foreach (var (name, s, sd) in new[] { ("spec", spec, specDist), ("spec_op", specOp, specOpDist), ("spec_fft", specFft, specFftDist) })
        {
            if (name == "spec_fft" && !o.FftSpectralNorm) continue;
            double logProd = s.Sum(x => 2 * Math.Log(x));
            double froOver = fro.Zip(s, (f, q) => f * f / (q * q)).Sum();
            Add($"log_prod_of_{name}", logProd, Eq(32));
            Add($"log_prod_of_{name}_over_margin", logProd - logGamma2, Eq(31));
            Add($"log_sum_of_{name}", Math.Log(d) + logProd / d, Eq(35));
            Add($"log_sum_of_{name}_over_margin", Math.Log(d) + (logProd - logGamma2) / d, Eq(34));
            Add($"fro_over_{name}", froOver, Eq(33));
            Add($"log_{name}_orig_main", logProd - logGamma2 + Math.Log(froOver), Eq(30));
            if (init != null)
            {
                Add($"log_{name}_init_main", logProd - logGamma2 + Math.Log(froDist.Zip(s, (f, q) => f * f / (q * q)).Sum()), Eq(29));
                Add($"dist_{name}_init", sd.Sum(x => x * x), Eq(41));
            }
        }
        if (init != null)
        {
            var w0 = init.WeightVector();
            var dv = w.Zip(w0, (a, b) => a - b).ToArray();
            Add("l2_dist", Math.Sqrt(SpectralNorms.Dot(dv, dv)));
            Add("fro_dist", froDist.Sum(x => x * x), Eq(40));
        }
        double path = PathNorm.Compute(model, net, o.PathNormIncludesBiases);
        Add("path_norm", path, Eq(44));
        Add("path_norm_over_margin", path / (gamma * gamma), Eq(43));
    }

    private static double OperatorNorm(WeightLayer l, double[] kernel, MeasureOptions o, double reshaped) =>
        l.IsConv
            ? SpectralNorms.ConvOperatorNorm(kernel, l.Shape, l.Input, l.Stride, l.Padding, o.OperatorNormIterations, o.OperatorNormTolerance, o.Seed)
            : reshaped;

    private static double FftNorm(WeightLayer l, double[] kernel, MeasureOptions o, double reshaped) =>
        !o.FftSpectralNorm ? double.NaN
        : !l.IsConv ? reshaped
        : l.Stride == 1 ? SpectralNorms.FftSpectralNorm(kernel, l.Shape, l.Input[1], l.Input[2])
        : double.NaN;
}
