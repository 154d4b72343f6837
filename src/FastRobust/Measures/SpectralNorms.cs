using System.Numerics;
using SimdVector = System.Numerics.Vector;
using FastRobust.Tensors;
using MathNet.Numerics.LinearAlgebra;

namespace FastRobust.Measures;

/// <summary>
/// Matrix and operator norms of one layer's weights, in float64 unless stated: singular values of the reshaped
/// kernel (MathNet.Numerics SVD), the exact operator norm of a convolution as applied to its input (Lanczos on
/// AᵀA, with A applied by the engine's convolution and its transpose), and the FFT norm of Sedghi et al. 2019
/// (the same convolution with circular padding).
/// </summary>
public static class SpectralNorms
{
    /// <summary>Singular values of a rows × cols row-major matrix, largest first.</summary>
    public static double[] SingularValues(double[] m, int rows, int cols)
    {
        var a = Matrix<double>.Build.Dense(rows, cols, (i, j) => m[(long)i * cols + j]);
        if (rows < cols) a = a.Transpose(); // MathNet is fastest with the long side first
        return a.Svd(computeVectors: false).S.ToArray();
    }

    /// <summary>
    /// ‖A‖₂ of the convolution x ↦ conv(x, kernel) on inputs [C, H, W] with the given stride and zero padding: the
    /// largest singular value of the linear map itself, not of the reshaped kernel. Lanczos with full
    /// reorthogonalisation on AᵀA; A and Aᵀ are the engine's conv forward and backward-data in float32.
    /// </summary>
    public static double ConvOperatorNorm(double[] kernel, int[] shape, int[] input, int stride, int padding,
        int maxIterations = 300, double tolerance = 1e-9, ulong seed = 0)
    {
        int o = shape[0], c = shape[1], kh = shape[2], kw = shape[3];
        var g = new ConvGeometry(1, 1, c, input[1], input[2], o, kh, kw, stride, stride, padding, padding, false);
        var dev = Device.Cpu;
        using var scope = new TensorScope();
        var w = Tensor.FromArray(Array.ConvertAll(kernel, v => (float)v), [o, c, kh, kw], dev);
        var x = Tensor.Empty([1, c, input[1], input[2]], dev);
        var y = Tensor.Empty([1, o, g.OH, g.OW], dev);
        var back = Tensor.Empty([1, c, input[1], input[2]], dev);
        int n = (int)x.Count;
        var xf = new float[n];
        var bf = new float[n];
        var be = dev.Backend;
        double[] ApplyGram(double[] v)
        {
            for (int i = 0; i < n; i++) xf[i] = (float)v[i];
            be.Upload(xf, x.Buffer);
            be.Conv2dForward(g, x.Buffer, w.Buffer, null, y.Buffer);
            be.Conv2dBackwardData(g, y.Buffer, w.Buffer, back.Buffer);
            be.Download(back.Buffer, 0, bf);
            return Array.ConvertAll(bf, f => (double)f);
        }
        return Math.Sqrt(LanczosLargest(ApplyGram, n, Math.Min(maxIterations, n), tolerance, seed));
    }

    /// <summary>Largest eigenvalue of a symmetric positive semi-definite operator of size n by Lanczos.</summary>
    public static double LanczosLargest(Func<double[], double[]> apply, int n, int maxIterations, double tolerance, ulong seed)
    {
        var q = new List<double[]>();
        var start = new double[n];
        for (int i = 0; i < n; i++) start[i] = Random.Philox.Normal(seed, 0x4c414e43, 0, i);
        Scale(start, 1 / Math.Sqrt(Dot(start, start)));
        q.Add(start);
        var alpha = new List<double>();
        var beta = new List<double>();
        double last = double.NaN;
        for (int j = 0; j < maxIterations; j++)
        {
            var wv = apply(q[j]);
            double a = Dot(wv, q[j]);
            alpha.Add(a);
            // full reorthogonalisation, twice ("twice is enough"), keeps the Ritz values honest in finite precision
            for (int pass = 0; pass < 2; pass++)
                foreach (var qi in q) Axpy(-Dot(wv, qi), qi, wv);
            double b = Math.Sqrt(Dot(wv, wv));
            bool exhausted = b <= 1e-12 * Math.Max(1, Math.Abs(a)) || j + 1 == maxIterations;
            if (j % 5 == 4 || exhausted)
            {
                double lambda = TridiagonalLargest(alpha, beta);
                if (exhausted || Math.Abs(lambda - last) <= tolerance * Math.Abs(lambda)) return lambda;
                last = lambda;
            }
            beta.Add(b);
            Scale(wv, 1 / b);
            q.Add(wv);
        }
        return TridiagonalLargest(alpha, beta);
    }

    private static double TridiagonalLargest(List<double> alpha, List<double> beta)
    {
        int k = alpha.Count;
        var t = Matrix<double>.Build.Dense(k, k);
        for (int i = 0; i < k; i++)
        {
            t[i, i] = alpha[i];
            if (i + 1 < k) t[i, i + 1] = t[i + 1, i] = beta[i];
        }
        return t.Evd(Symmetricity.Symmetric).EigenValues.Max(e => e.Real);
    }

    /// <summary>
    /// Sedghi et al. 2019: the singular values of a stride-1 convolution with circular padding on an H × W input
    /// are those of the O × C matrices K̂(u, v) = Σ_pq k[:, :, p, q]·e^(−2πi(pu/H + qv/W)); this is the largest.
    /// (The public port evaluates it at the network's input size for every layer; here each layer uses its own.)
    /// </summary>
    public static double FftSpectralNorm(double[] kernel, int[] shape, int h, int w)
    {
        int o = shape[0], c = shape[1], kh = shape[2], kw = shape[3];
        double best = 0;
        var mat = Matrix<Complex>.Build.Dense(o, c);
        for (int u = 0; u < h; u++)
            for (int v = 0; v < w; v++)
            {
                // K̂(−u, −v) is the conjugate of K̂(u, v): same singular values
                int cu = (h - u) % h, cv = (w - v) % w;
                if (cu < u || (cu == u && cv < v)) continue;
                for (int a = 0; a < o; a++)
                    for (int b = 0; b < c; b++)
                    {
                        Complex s = Complex.Zero;
                        int base0 = (a * c + b) * kh * kw;
                        for (int p = 0; p < kh; p++)
                            for (int q = 0; q < kw; q++)
                            {
                                double angle = -2 * Math.PI * ((double)(p * u % h) / h + (double)(q * v % w) / w);
                                s += kernel[base0 + p * kw + q] * new Complex(Math.Cos(angle), Math.Sin(angle));
                            }
                        mat[a, b] = s;
                    }
                var m = o < c ? mat.ConjugateTranspose() : mat;
                best = Math.Max(best, m.Svd(computeVectors: false).S[0].Magnitude);
            }
        return best;
    }

    internal static double Dot(double[] a, double[] b)
    {
        var va = new Span<double>(a);
        var vb = new Span<double>(b);
        int i = 0, lanes = System.Numerics.Vector<double>.Count;
        var acc = System.Numerics.Vector<double>.Zero;
        for (; i + lanes <= a.Length; i += lanes) acc += new System.Numerics.Vector<double>(va.Slice(i)) * new System.Numerics.Vector<double>(vb.Slice(i));
        double s = SimdVector.Sum(acc);
        for (; i < a.Length; i++) s += a[i] * b[i];
        return s;
    }

    private static void Axpy(double alpha, double[] x, double[] y)
    {
        int i = 0, lanes = System.Numerics.Vector<double>.Count;
        var va = new System.Numerics.Vector<double>(alpha);
        for (; i + lanes <= x.Length; i += lanes)
            (new System.Numerics.Vector<double>(y, i) + va * new System.Numerics.Vector<double>(x, i)).CopyTo(y, i);
        for (; i < x.Length; i++) y[i] += alpha * x[i];
    }

    private static void Scale(double[] x, double s)
    {
        for (int i = 0; i < x.Length; i++) x[i] *= s;
    }
}
