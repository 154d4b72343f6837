using System.Numerics;
using System.Runtime.InteropServices;

namespace FastRobust.Shifts.Generation.Passes;

/// <summary>
/// Separable Gaussian blur of one plane, defined as scipy.ndimage.gaussian_filter (which skimage.filters.gaussian
/// calls): radius ⌊truncate·σ + 0.5⌋, weights exp(−x²/2σ²) normalised by NumPy's pairwise sum, rows (axis 0)
/// first, then columns, each output the centre tap plus symmetric pairs from the outermost in. Doubles and that
/// order make the result bit-for-bit the reference's wherever exp agrees, which matters where a corruption
/// truncates to 8 bits right after blurring (glass blur). Vectorised across output pixels.
/// </summary>
internal static class GaussianFilter
{
    /// <summary>The scipy kernel, length 2r + 1 (a single 1 when σ rounds to radius 0).</summary>
    public static double[] Kernel(double sigma, double truncate)
    {
        int r = (int)(truncate * sigma + 0.5);
        var phi = new double[2 * r + 1];
        double a = -0.5 / (sigma * sigma);
        for (int i = 0; i < phi.Length; i++)
        {
            int x = i - r;
            phi[i] = Math.Exp(a * (x * x));
        }
        double sum = NumpySum.Pairwise(phi);
        for (int i = 0; i < phi.Length; i++) phi[i] /= sum;
        return phi;
    }

    /// <summary>
    /// Blurs <paramref name="src"/> (h × w) into <paramref name="dst"/>; σ = 0 copies (scipy skips the axis).
    /// <paramref name="float32"/> rounds each pass's output to float, as scipy does for a float32 array.
    /// <paramref name="tmp"/> needs h·w values and <paramref name="pad"/> w + 2r.
    /// </summary>
    public static void Apply(ReadOnlySpan<double> src, Span<double> dst, int h, int w, double sigma, double truncate, BorderMode mode,
        Span<double> tmp, Span<double> pad, bool float32 = false)
    {
        if (sigma <= 1e-15)
        {
            src[..(h * w)].CopyTo(dst);
            return;
        }
        double[] k = Kernel(sigma, truncate);
        Rows(src, tmp, h, w, k, mode, float32);
        Columns(tmp, dst, h, w, k, mode, pad, float32);
    }

    /// <summary>Along axis 0: each output row is a weighted sum of whole input rows, so it vectorises along the row.</summary>
    public static void Rows(ReadOnlySpan<double> src, Span<double> dst, int h, int w, double[] k, BorderMode mode, bool float32)
    {
        int r = k.Length / 2;
        int vec = Vector<double>.Count;
        for (int y = 0; y < h; y++)
        {
            var outRow = dst.Slice(y * w, w);
            var centre = src.Slice(y * w, w);
            int x = 0;
            for (; x + vec <= w; x += vec)
            {
                var acc = new Vector<double>(centre[x..]) * k[r];
                for (int j = r; j >= 1; j--)
                {
                    var above = new Vector<double>(src[(Border.Index(y - j, h, mode) * w + x)..]);
                    var below = new Vector<double>(src[(Border.Index(y + j, h, mode) * w + x)..]);
                    acc += (above + below) * k[r - j];
                }
                acc.CopyTo(outRow[x..]);
            }
            for (; x < w; x++)
            {
                double acc = centre[x] * k[r];
                for (int j = r; j >= 1; j--)
                    acc += (src[Border.Index(y - j, h, mode) * w + x] + src[Border.Index(y + j, h, mode) * w + x]) * k[r - j];
                outRow[x] = acc;
            }
            if (float32) RoundToFloat(outRow);
        }
    }

    /// <summary>Along axis 1: each row is copied into a bordered line, then shifted loads give the taps.</summary>
    public static void Columns(ReadOnlySpan<double> src, Span<double> dst, int h, int w, double[] k, BorderMode mode, Span<double> pad, bool float32)
    {
        int r = k.Length / 2;
        int vec = Vector<double>.Count;
        var line = pad[..(w + 2 * r)];
        for (int y = 0; y < h; y++)
        {
            var row = src.Slice(y * w, w);
            for (int i = 0; i < line.Length; i++) line[i] = row[Border.Index(i - r, w, mode)];
            var outRow = dst.Slice(y * w, w);
            int x = 0;
            for (; x + vec <= w; x += vec)
            {
                var acc = new Vector<double>(line[(x + r)..]) * k[r];
                for (int j = r; j >= 1; j--)
                    acc += (new Vector<double>(line[(x + r - j)..]) + new Vector<double>(line[(x + r + j)..])) * k[r - j];
                acc.CopyTo(outRow[x..]);
            }
            for (; x < w; x++)
            {
                double acc = line[x + r] * k[r];
                for (int j = r; j >= 1; j--) acc += (line[x + r - j] + line[x + r + j]) * k[r - j];
                outRow[x] = acc;
            }
            if (float32) RoundToFloat(outRow);
        }
    }

    private static void RoundToFloat(Span<double> values)
    {
        for (int i = 0; i < values.Length; i++) values[i] = (float)values[i];
    }
}

/// <summary>NumPy's summation of a float64 array (pairwise, 8 accumulators), so normalised kernels agree to the bit.</summary>
internal static class NumpySum
{
    public static double Pairwise(ReadOnlySpan<double> a)
    {
        int n = a.Length;
        if (n < 8)
        {
            double s = 0;
            for (int i = 0; i < n; i++) s += a[i];
            return s;
        }
        if (n <= 128)
        {
            Span<double> r = stackalloc double[8];
            a[..8].CopyTo(r);
            int i = 8;
            for (; i < n - n % 8; i += 8)
                for (int j = 0; j < 8; j++) r[j] += a[i + j];
            double res = ((r[0] + r[1]) + (r[2] + r[3])) + ((r[4] + r[5]) + (r[6] + r[7]));
            for (; i < n; i++) res += a[i];
            return res;
        }
        int n2 = n / 2;
        n2 -= n2 % 8;
        return Pairwise(a[..n2]) + Pairwise(a[n2..]);
    }
}
