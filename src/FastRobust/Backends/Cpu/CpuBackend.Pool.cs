using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using FastRobust.Tensors;

namespace FastRobust.Backends.Cpu;

public sealed unsafe partial class CpuBackend
{
    public override void MaxPool2dForward(in PoolGeometry g, FloatBuffer x, FloatBuffer y, IntBuffer argmax)
    {
        var geo = g;
        float* px = P(x), py = P(y);
        int* pi = P(argmax);
        long planes = (long)g.B * g.C;
        int oh = g.OH, ow = g.OW;
        bool twoByTwo = g is { KH: 2, KW: 2, StrideH: 2, StrideW: 2, PadH: 0, PadW: 0 };
        CpuParallel.For(planes, CpuParallel.Chunks(planes, (long)oh * ow * g.KH * g.KW, 65_536), (_, s, e) =>
        {
            for (long pl = s; pl < e; pl++)
            {
                float* xin = px + pl * geo.H * geo.W;
                float* yo = py + pl * oh * ow;
                int* io = pi + pl * oh * ow;
                if (twoByTwo)
                {
                    MaxPool2x2(xin, geo.W, oh, ow, yo, io);
                    continue;
                }
                for (int i = 0; i < oh; i++)
                for (int j = 0; j < ow; j++)
                {
                    float best = float.NegativeInfinity;
                    int bestIdx = -1;
                    for (int a = 0; a < geo.KH; a++)
                    {
                        int ih = i * geo.StrideH - geo.PadH + a;
                        if (ih < 0 || ih >= geo.H) continue;
                        for (int b = 0; b < geo.KW; b++)
                        {
                            int iw = j * geo.StrideW - geo.PadW + b;
                            if (iw < 0 || iw >= geo.W) continue;
                            float v = xin[ih * geo.W + iw];
                            // NaN propagates as in PyTorch
                            if (v > best || float.IsNaN(v) || bestIdx < 0) { best = v; bestIdx = ih * geo.W + iw; if (float.IsNaN(v)) goto done; }
                        }
                    }
                    done:
                    yo[i * ow + j] = best;
                    io[i * ow + j] = bestIdx;
                }
            }
        });
    }

    public override void MaxPool2dBackward(in PoolGeometry g, FloatBuffer dy, IntBuffer argmax, FloatBuffer dx)
    {
        var geo = g;
        float* pdy = P(dy), pdx = P(dx);
        int* pi = P(argmax);
        long planes = (long)g.B * g.C;
        int outPlane = g.OH * g.OW, inPlane = g.H * g.W;
        CpuParallel.For(planes, CpuParallel.Chunks(planes, inPlane, 65_536), (_, s, e) =>
        {
            for (long pl = s; pl < e; pl++)
            {
                float* d = pdx + pl * inPlane;
                new Span<float>(d, inPlane).Clear();
                float* gsrc = pdy + pl * outPlane;
                int* idx = pi + pl * outPlane;
                for (int o = 0; o < outPlane; o++) d[idx[o]] += gsrc[o];
            }
        });
    }

    public override void AvgPool2dForward(in PoolGeometry g, FloatBuffer x, FloatBuffer y)
    {
        var geo = g;
        float* px = P(x), py = P(y);
        long planes = (long)g.B * g.C;
        int oh = g.OH, ow = g.OW;
        float inv = 1f / (g.KH * g.KW);
        CpuParallel.For(planes, CpuParallel.Chunks(planes, (long)oh * ow * g.KH * g.KW, 65_536), (_, s, e) =>
        {
            for (long pl = s; pl < e; pl++)
            {
                float* xin = px + pl * geo.H * geo.W;
                float* yo = py + pl * oh * ow;
                for (int i = 0; i < oh; i++)
                for (int j = 0; j < ow; j++)
                {
                    float sum = 0f;
                    for (int a = 0; a < geo.KH; a++)
                    {
                        int ih = i * geo.StrideH - geo.PadH + a;
                        if (ih < 0 || ih >= geo.H) continue;
                        for (int b = 0; b < geo.KW; b++)
                        {
                            int iw = j * geo.StrideW - geo.PadW + b;
                            if (iw >= 0 && iw < geo.W) sum += xin[ih * geo.W + iw];
                        }
                    }
                    yo[i * ow + j] = sum * inv;
                }
            }
        });
    }

    public override void AvgPool2dBackward(in PoolGeometry g, FloatBuffer dy, FloatBuffer dx)
    {
        var geo = g;
        float* pdy = P(dy), pdx = P(dx);
        long planes = (long)g.B * g.C;
        int oh = g.OH, ow = g.OW, inPlane = g.H * g.W;
        float inv = 1f / (g.KH * g.KW);
        CpuParallel.For(planes, CpuParallel.Chunks(planes, (long)oh * ow * g.KH * g.KW, 65_536), (_, s, e) =>
        {
            for (long pl = s; pl < e; pl++)
            {
                float* d = pdx + pl * inPlane;
                new Span<float>(d, inPlane).Clear();
                float* gsrc = pdy + pl * oh * ow;
                for (int i = 0; i < oh; i++)
                for (int j = 0; j < ow; j++)
                {
                    float v = gsrc[i * ow + j] * inv;
                    for (int a = 0; a < geo.KH; a++)
                    {
                        int ih = i * geo.StrideH - geo.PadH + a;
                        if (ih < 0 || ih >= geo.H) continue;
                        for (int b = 0; b < geo.KW; b++)
                        {
                            int iw = j * geo.StrideW - geo.PadW + b;
                            if (iw >= 0 && iw < geo.W) d[ih * geo.W + iw] += v;
                        }
                    }
                }
            }
        });
    }

    /// <summary>
    /// The common 2×2, stride-2 window. On real activations the comparisons are coin flips, so a branchy loop
    /// spends its time in mispredictions: eight windows at a time go through vector selects instead. The window is
    /// scanned in PyTorch's order (row-major, strict greater-than, NaN wins) so ties and NaNs pick the same element.
    /// </summary>
    private static void MaxPool2x2(float* x, int w, int oh, int ow, float* y, int* idx)
    {
        bool vector = Avx2.IsSupported;
        var lane = Vector256.Create(0, 2, 4, 6, 8, 10, 12, 14);
        for (int i = 0; i < oh; i++)
        {
            float* r0 = x + 2 * i * w, r1 = r0 + w;
            int base0 = 2 * i * w;
            int j = 0;
            if (vector)
                for (; j + 8 <= ow; j += 8)
                {
                    var (a, b) = Deinterleave(r0 + 2 * j);
                    var (d, e) = Deinterleave(r1 + 2 * j);
                    var at = Vector256.Create(base0 + 2 * j) + lane;
                    var best = a;
                    var bestAt = at;
                    PickVec(ref best, ref bestAt, b, at + Vector256.Create(1));
                    PickVec(ref best, ref bestAt, d, at + Vector256.Create(w));
                    PickVec(ref best, ref bestAt, e, at + Vector256.Create(w + 1));
                    Vector256.Store(best, y + i * ow + j);
                    Vector256.Store(bestAt, idx + i * ow + j);
                }
            for (; j < ow; j++)
            {
                int c = 2 * j;
                float best = r0[c];
                int at = base0 + c;
                if (r0[c + 1] > best || float.IsNaN(r0[c + 1])) { best = r0[c + 1]; at = base0 + c + 1; }
                if (r1[c] > best || float.IsNaN(r1[c])) { best = r1[c]; at = base0 + w + c; }
                if (r1[c + 1] > best || float.IsNaN(r1[c + 1])) { best = r1[c + 1]; at = base0 + w + c + 1; }
                y[i * ow + j] = best;
                idx[i * ow + j] = at;
            }
        }
    }

    /// <summary>Sixteen consecutive floats split into their even and odd elements, in order.</summary>
    private static (Vector256<float> Even, Vector256<float> Odd) Deinterleave(float* p)
    {
        var lo = Vector256.Load(p);
        var hi = Vector256.Load(p + 8);
        var even = Avx.Shuffle(lo, hi, 0x88).AsDouble();
        var odd = Avx.Shuffle(lo, hi, 0xDD).AsDouble();
        return (Avx2.Permute4x64(even, 0xD8).AsSingle(), Avx2.Permute4x64(odd, 0xD8).AsSingle());
    }

    private static void PickVec(ref Vector256<float> best, ref Vector256<int> at, Vector256<float> v, Vector256<int> vAt)
    {
        var take = Vector256.GreaterThan(v, best) | ~Vector256.Equals(v, v);
        best = Vector256.ConditionalSelect(take, v, best);
        at = Vector256.ConditionalSelect(take.AsInt32(), vAt, at);
    }
}
