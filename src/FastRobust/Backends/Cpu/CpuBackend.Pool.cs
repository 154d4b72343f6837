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

    /// <summary>The common 2×2, stride-2 window without the general loop's bounds checks (NaN still wins, as in PyTorch).</summary>
    private static void MaxPool2x2(float* x, int w, int oh, int ow, float* y, int* idx)
    {
        for (int i = 0; i < oh; i++)
        {
            float* r0 = x + 2 * i * w, r1 = r0 + w;
            int base0 = 2 * i * w;
            for (int j = 0; j < ow; j++)
            {
                int c = 2 * j;
                float best = r0[c];
                int at = base0 + c;
                float v = r0[c + 1];
                if (v > best || float.IsNaN(v)) { best = v; at = base0 + c + 1; }
                v = r1[c];
                if (v > best || float.IsNaN(v)) { best = v; at = base0 + w + c; }
                v = r1[c + 1];
                if (v > best || float.IsNaN(v)) { best = v; at = base0 + w + c + 1; }
                y[i * ow + j] = best;
                idx[i * ow + j] = at;
            }
        }
    }
}
