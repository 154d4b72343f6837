using System.Numerics;
using FastRobust.Measures;
using MathNet.Numerics.LinearAlgebra;
using Xunit;

namespace FastRobust.Tests.Measures;

/// <summary>
/// The operator norms against an SVD of the layer's dense matrix, built here in float64 by applying a plain
/// direct convolution to every basis vector: zero padding for the exact norm (Lanczos on the engine's conv),
/// circular padding for the FFT norm of Sedghi et al.
/// </summary>
public sealed class SpectralNormTests
{
    private static double[] Kernel(int o, int c, int k, int seed)
    {
        var rng = new System.Random(seed);
        // float32-representable, so the engine's float32 conv sees exactly these values
        return Enumerable.Range(0, o * c * k * k).Select(_ => (double)(float)(rng.NextDouble() * 2 - 1)).ToArray();
    }

    /// <summary>Dense matrix [O·OH·OW, C·H·W] of a convolution; circular wraps indices instead of zero padding.</summary>
    private static Matrix<double> Dense(double[] w, int o, int c, int k, int h, int wd, int stride, int pad, bool circular)
    {
        int oh = circular ? h : (h + 2 * pad - k) / stride + 1, ow = circular ? wd : (wd + 2 * pad - k) / stride + 1;
        var m = Matrix<double>.Build.Dense(o * oh * ow, c * h * wd);
        for (int a = 0; a < o; a++)
            for (int y = 0; y < oh; y++)
                for (int x = 0; x < ow; x++)
                    for (int b = 0; b < c; b++)
                        for (int p = 0; p < k; p++)
                            for (int q = 0; q < k; q++)
                            {
                                int iy = y * stride + p - pad, ix = x * stride + q - pad;
                                if (circular) { iy = ((y + p) % h + h) % h; ix = ((x + q) % wd + wd) % wd; }
                                else if (iy < 0 || iy >= h || ix < 0 || ix >= wd) continue;
                                m[(a * oh + y) * ow + x, (b * h + iy) * wd + ix] += w[((a * c + b) * k + p) * k + q];
                            }
        return m;
    }

    [Theory]
    [InlineData(4, 3, 3, 7, 1, 1)]
    [InlineData(6, 4, 3, 8, 2, 1)]
    [InlineData(3, 5, 2, 6, 2, 0)]
    [InlineData(2, 2, 5, 9, 1, 2)]
    public void Conv_operator_norm_matches_the_svd_of_the_dense_operator(int o, int c, int k, int n, int stride, int pad)
    {
        var w = Kernel(o, c, k, o * 31 + k);
        double want = Dense(w, o, c, k, n, n, stride, pad, false).Svd(false).S[0];
        double got = SpectralNorms.ConvOperatorNorm(w, [o, c, k, k], [c, n, n], stride, pad);
        Assert.True(Math.Abs(got - want) <= 1e-5 * want, $"Lanczos {got:R}, SVD {want:R}");
    }

    [Theory]
    [InlineData(4, 3, 3, 6)]
    [InlineData(3, 5, 3, 5)]
    [InlineData(2, 2, 2, 4)]
    public void Fft_norm_matches_the_svd_of_the_circular_operator(int o, int c, int k, int n)
    {
        var w = Kernel(o, c, k, c * 17 + n);
        double want = Dense(w, o, c, k, n, n, 1, 0, true).Svd(false).S[0];
        double got = SpectralNorms.FftSpectralNorm(w, [o, c, k, k], n, n);
        Assert.True(Math.Abs(got - want) <= 1e-9 * want, $"FFT {got:R}, SVD {want:R}");
    }

    [Fact]
    public void Singular_values_of_a_known_matrix()
    {
        // rows scaled copies of orthonormal vectors: singular values are the scales
        var s = MeasureSingular([3.0, 0.5], [[0.6, 0.8, 0], [0, 0, 1]]);
        Assert.Equal(3.0, s[0], 12);
        Assert.Equal(0.5, s[1], 12);
    }

    private static double[] MeasureSingular(double[] scales, double[][] rows)
    {
        var m = rows.SelectMany((r, i) => r.Select(v => v * scales[i])).ToArray();
        return SpectralNorms.SingularValues(m, rows.Length, rows[0].Length);
    }

    [Fact]
    public void Lanczos_finds_the_top_eigenvalue_of_a_diagonal_operator()
    {
        var diag = Enumerable.Range(0, 200).Select(i => 1.0 + i / 199.0 * (i == 199 ? 1.0 : 0.999)).ToArray();
        double top = SpectralNorms.LanczosLargest(v => v.Select((x, i) => x * diag[i]).ToArray(), 200, 200, 1e-12, 3);
        Assert.Equal(diag.Max(), top, 10);
        _ = Complex.Zero;
    }
}
