namespace FastRobust.Tests.OpsTests.Reference;

/// <summary>
/// The float64 reference: every op as the naive loop of its textbook definition, on flat row-major arrays.
/// Written from the definitions (PyTorch's semantics), never from the engine's code, so that a shared
/// misunderstanding cannot hide a bug. Speed is irrelevant; clarity is the point.
/// </summary>
public static class Ref
{
    // ---- convolution and linear ----

    /// <summary>Cross-correlation of x [N, C, H, W] with w [O, C, KH, KW] (+ bias [O]), zero padding.</summary>
    public static double[] Conv2d(double[] x, int n, int c, int h, int w, double[] wt, int o, int kh, int kw, double[]? bias,
        int sh, int sw, int ph, int pw, out int oh, out int ow)
    {
        oh = (h + 2 * ph - kh) / sh + 1;
        ow = (w + 2 * pw - kw) / sw + 1;
        var y = new double[n * o * oh * ow];
        for (int b = 0; b < n; b++)
        for (int oc = 0; oc < o; oc++)
        for (int i = 0; i < oh; i++)
        for (int j = 0; j < ow; j++)
        {
            double s = bias?[oc] ?? 0.0;
            for (int ic = 0; ic < c; ic++)
            for (int a = 0; a < kh; a++)
            for (int bb = 0; bb < kw; bb++)
            {
                int yy = i * sh - ph + a, xx = j * sw - pw + bb;
                if (yy < 0 || yy >= h || xx < 0 || xx >= w) continue;
                s += x[((b * c + ic) * h + yy) * w + xx] * wt[((oc * c + ic) * kh + a) * kw + bb];
            }
            y[((b * o + oc) * oh + i) * ow + j] = s;
        }
        return y;
    }

    /// <summary>y [N, O] = x [N, I] · wᵀ (w [O, I]) + b [O].</summary>
    public static double[] Linear(double[] x, int n, int inF, double[] w, int o, double[]? b)
    {
        var y = new double[n * o];
        for (int r = 0; r < n; r++)
        for (int j = 0; j < o; j++)
        {
            double s = b?[j] ?? 0.0;
            for (int k = 0; k < inF; k++) s += x[r * inF + k] * w[j * inF + k];
            y[r * o + j] = s;
        }
        return y;
    }

    // ---- elementwise ----

    public static double[] Map(double[] x, Func<double, double> f) => x.Select(f).ToArray();

    public static double[] Zip(double[] a, double[] b, Func<double, double, double> f)
    {
        var y = new double[a.Length];
        for (int i = 0; i < a.Length; i++) y[i] = f(a[i], b[i]);
        return y;
    }

    public static double Relu(double x) => x > 0 ? x : 0.0;

    /// <summary>Exact GELU: x·Φ(x).</summary>
    public static double Gelu(double x) => x * RefErf.Phi(x);

    public static double Sigmoid(double x) => 1.0 / (1.0 + Math.Exp(-x));

    public static double Sign(double x) => x > 0 ? 1.0 : x < 0 ? -1.0 : 0.0;

    public static double Clamp(double x, double lo, double hi) => Math.Min(Math.Max(x, lo), hi);

    // ---- pooling (x viewed as [B, C, H, W]: B·C independent planes) ----

    /// <summary>Max over each window; padded positions never win (PyTorch pads with −∞).</summary>
    public static double[] MaxPool2d(double[] x, int planes, int h, int w, int k, int s, int p, out int oh, out int ow)
    {
        oh = (h + 2 * p - k) / s + 1;
        ow = (w + 2 * p - k) / s + 1;
        var y = new double[planes * oh * ow];
        for (int pl = 0; pl < planes; pl++)
        for (int i = 0; i < oh; i++)
        for (int j = 0; j < ow; j++)
        {
            double m = double.NegativeInfinity;
            for (int a = 0; a < k; a++)
            for (int b = 0; b < k; b++)
            {
                int yy = i * s - p + a, xx = j * s - p + b;
                if (yy >= 0 && yy < h && xx >= 0 && xx < w) m = Math.Max(m, x[(pl * h + yy) * w + xx]);
            }
            y[(pl * oh + i) * ow + j] = m;
        }
        return y;
    }

    /// <summary>Mean over each kh×kw window, padding counted as zeros in the divisor (count_include_pad=True).</summary>
    public static double[] AvgPool2d(double[] x, int planes, int h, int w, int kh, int kw, int s, int p, out int oh, out int ow)
    {
        oh = (h + 2 * p - kh) / s + 1;
        ow = (w + 2 * p - kw) / s + 1;
        var y = new double[planes * oh * ow];
        for (int pl = 0; pl < planes; pl++)
        for (int i = 0; i < oh; i++)
        for (int j = 0; j < ow; j++)
        {
            double sum = 0;
            for (int a = 0; a < kh; a++)
            for (int b = 0; b < kw; b++)
            {
                int yy = i * s - p + a, xx = j * s - p + b;
                if (yy >= 0 && yy < h && xx >= 0 && xx < w) sum += x[(pl * h + yy) * w + xx];
            }
            y[(pl * oh + i) * ow + j] = sum / (kh * kw);
        }
        return y;
    }

    public static double[] GlobalAvgPool(double[] x, int planes, int hw)
    {
        var y = new double[planes];
        for (int pl = 0; pl < planes; pl++)
        {
            double s = 0;
            for (int i = 0; i < hw; i++) s += x[pl * hw + i];
            y[pl] = s / hw;
        }
        return y;
    }

    // ---- normalisation ----

    /// <summary>
    /// Training-mode batch norm of x [N, C, HW]: batch mean and biased variance per channel. Returns y and the
    /// running statistics after PyTorch's update (unbiased variance, running = (1 − m)·running + m·batch).
    /// </summary>
    public static double[] BatchNormTrain(double[] x, int n, int c, int hw, double[] gamma, double[] beta, double eps,
        double[] runMean, double[] runVar, double momentum, out double[] newMean, out double[] newVar)
    {
        var y = new double[x.Length];
        newMean = new double[c];
        newVar = new double[c];
        int count = n * hw;
        for (int ch = 0; ch < c; ch++)
        {
            double mean = 0;
            for (int b = 0; b < n; b++) for (int i = 0; i < hw; i++) mean += x[(b * c + ch) * hw + i];
            mean /= count;
            double var = 0;
            for (int b = 0; b < n; b++) for (int i = 0; i < hw; i++) { double d = x[(b * c + ch) * hw + i] - mean; var += d * d; }
            double unbiased = var / (count - 1);
            var /= count;
            for (int b = 0; b < n; b++)
            for (int i = 0; i < hw; i++)
            {
                int at = (b * c + ch) * hw + i;
                y[at] = (x[at] - mean) / Math.Sqrt(var + eps) * gamma[ch] + beta[ch];
            }
            newMean[ch] = (1 - momentum) * runMean[ch] + momentum * mean;
            newVar[ch] = (1 - momentum) * runVar[ch] + momentum * unbiased;
        }
        return y;
    }

    public static double[] BatchNormEval(double[] x, int n, int c, int hw, double[] gamma, double[] beta, double[] runMean,
        double[] runVar, double eps)
    {
        var y = new double[x.Length];
        for (int b = 0; b < n; b++)
        for (int ch = 0; ch < c; ch++)
        for (int i = 0; i < hw; i++)
        {
            int at = (b * c + ch) * hw + i;
            y[at] = (x[at] - runMean[ch]) / Math.Sqrt(runVar[ch] + eps) * gamma[ch] + beta[ch];
        }
        return y;
    }

    /// <summary>The "normalize" layer: y = (x − mean[c]) / std[c] over [outer, C, inner].</summary>
    public static double[] Normalize(double[] x, int c, int inner, double[] mean, double[] std)
    {
        var y = new double[x.Length];
        for (int i = 0; i < x.Length; i++)
        {
            int ch = i / inner % c;
            y[i] = (x[i] - mean[ch]) / std[ch];
        }
        return y;
    }

    /// <summary>Dropout with a given keep mask m ∈ {0, 1}: y = x·m/(1 − p).</summary>
    public static double[] Dropout(double[] x, bool[] keep, double p)
    {
        var y = new double[x.Length];
        for (int i = 0; i < x.Length; i++) y[i] = keep[i] ? x[i] / (1 - p) : 0.0;
        return y;
    }

    // ---- losses ----

    public enum Red { Mean, Sum, None }

    /// <summary>
    /// Softmax cross-entropy of logits [R, K] (R = E·N, row r has label labels[r mod N]) against the smoothed
    /// target q = (1 − s)·onehot + s/K: loss_r = −Σ_k q_k·log softmax(x_r)_k. Mean divides the total by N (so
    /// an ensemble's members each get their own mean), Sum adds everything, None returns the R losses.
    /// </summary>
    public static double[] CrossEntropy(double[] logits, int rows, int k, int[] labels, double smoothing, Red red)
    {
        int n = labels.Length;
        var losses = new double[rows];
        for (int r = 0; r < rows; r++)
        {
            double max = double.NegativeInfinity;
            for (int j = 0; j < k; j++) max = Math.Max(max, logits[r * k + j]);
            double z = 0;
            for (int j = 0; j < k; j++) z += Math.Exp(logits[r * k + j] - max);
            double logZ = max + Math.Log(z), loss = 0;
            for (int j = 0; j < k; j++)
            {
                double q = (j == labels[r % n] ? 1 - smoothing : 0) + smoothing / k;
                loss -= q * (logits[r * k + j] - logZ);
            }
            losses[r] = loss;
        }
        return red switch
        {
            Red.None => losses,
            Red.Sum => [losses.Sum()],
            _ => [losses.Sum() / n],
        };
    }

    public static double[] Softmax(double[] x, int rows, int k)
    {
        var y = new double[x.Length];
        for (int r = 0; r < rows; r++)
        {
            double max = double.NegativeInfinity;
            for (int j = 0; j < k; j++) max = Math.Max(max, x[r * k + j]);
            double z = 0;
            for (int j = 0; j < k; j++) z += Math.Exp(x[r * k + j] - max);
            for (int j = 0; j < k; j++) y[r * k + j] = Math.Exp(x[r * k + j] - max) / z;
        }
        return y;
    }

    // ---- reductions ----

    /// <summary>Reduces each row of [rows, cols] with f over the row's values.</summary>
    public static double[] Rows(double[] x, int rows, Func<IEnumerable<double>, double> f)
    {
        int cols = x.Length / rows;
        var y = new double[rows];
        for (int r = 0; r < rows; r++) y[r] = f(x.Skip(r * cols).Take(cols));
        return y;
    }

    /// <summary>y[r, j] = f(x[r, j], s[r]).</summary>
    public static double[] RowOp(double[] x, double[] s, Func<double, double, double> f)
    {
        int cols = x.Length / s.Length;
        var y = new double[x.Length];
        for (int i = 0; i < x.Length; i++) y[i] = f(x[i], s[i / cols]);
        return y;
    }

    // ---- GEMM ----

    /// <summary>C = alpha·op(A)·op(B) + beta·C (row-major, leading dimensions lda/ldb/ldc) in double; returns new C.</summary>
    public static double[] Gemm(bool ta, bool tb, int m, int n, int k, double alpha, float[] a, int offA, int lda,
        float[] b, int offB, int ldb, double beta, float[] c, int offC, int ldc)
    {
        var y = c.Select(v => (double)v).ToArray();
        for (int i = 0; i < m; i++)
        for (int j = 0; j < n; j++)
        {
            double s = 0;
            for (int p = 0; p < k; p++)
            {
                double av = ta ? a[offA + p * lda + i] : a[offA + i * lda + p];
                double bv = tb ? b[offB + j * ldb + p] : b[offB + p * ldb + j];
                s += av * bv;
            }
            int at = offC + i * ldc + j;
            y[at] = alpha * s + (beta == 0 ? 0.0 : beta * c[at]);
        }
        return y;
    }
}
