using ILGPU;

namespace FastRobust.Kernels;

/// <summary>Pool shape as a kernel argument (ILGPU passes plain structs by value).</summary>
public struct PoolShape
{
    public int H, W, OH, OW, KH, KW, StrideH, StrideW, PadH, PadW;
}

/// <summary>
/// Max and average pooling over [B·C] planes. Forward: a grid-stride loop over outputs. Backward: over input
/// elements, gathering from the windows that cover it, in ascending output order: no atomics, no zero fill, and the
/// same summation order as the CPU backend's scatter, so overlapping windows give bit-identical gradients.
/// </summary>
public static class Pool
{
    [Kernel]
    public static void MaxForward(ArrayView<float> x, ArrayView<float> y, ArrayView<int> argmax, int count, PoolShape s)
    {
        for (int i = Stride.Start; i < count; i += Stride.Step) MaxWindow(x, y, argmax, i, s);
    }

    private static void MaxWindow(ArrayView<float> x, ArrayView<float> y, ArrayView<int> argmax, int i, in PoolShape s)
    {
        Window(i, s, out long inBase, out int top, out int left);
        float best = float.NegativeInfinity;
        int bestIdx = -1;
        bool stop = false;
        for (int a = 0; a < s.KH && !stop; a++)
        {
            int ih = top + a;
            if (ih < 0 || ih >= s.H) continue;
            for (int b = 0; b < s.KW; b++)
            {
                int iw = left + b;
                if (iw < 0 || iw >= s.W) continue;
                float v = x[inBase + ih * s.W + iw];
                // NaN wins and ends the scan, as in PyTorch and the CPU backend
                if (v > best || float.IsNaN(v) || bestIdx < 0)
                {
                    best = v;
                    bestIdx = ih * s.W + iw;
                    if (float.IsNaN(v))
                    {
                        stop = true;
                        break;
                    }
                }
            }
        }
        y[i] = best;
        argmax[i] = bestIdx;
    }

    /// <summary>Output i's plane offset into the input and its window's top-left input position (may lie in the padding).</summary>
    private static void Window(int i, in PoolShape s, out long inBase, out int top, out int left)
    {
        int outPlane = s.OH * s.OW;
        int pl = i / outPlane, o = i - pl * outPlane;
        int oi = o / s.OW, oj = o - oi * s.OW;
        inBase = (long)pl * s.H * s.W;
        top = oi * s.StrideH - s.PadH;
        left = oj * s.StrideW - s.PadW;
    }

    /// <summary>Input element i's plane offset into the output and the output rows oh0..oh1, columns ow0..ow1 whose windows cover it.</summary>
    private static void Covering(int i, in PoolShape s, out long outBase, out int oh0, out int oh1, out int ow0, out int ow1)
    {
        int inPlane = s.H * s.W;
        int pl = i / inPlane, at = i - pl * inPlane;
        int ih = at / s.W, iw = at - ih * s.W;
        Covering(ih, s.PadH, s.KH, s.StrideH, s.OH, out oh0, out oh1);
        Covering(iw, s.PadW, s.KW, s.StrideW, s.OW, out ow0, out ow1);
        outBase = (long)pl * s.OH * s.OW;
    }

    /// <summary>First and last output index along one axis whose window covers input position p.</summary>
    private static void Covering(int p, int pad, int k, int stride, int outSize, out int lo, out int hi)
    {
        int num = p + pad - k + 1;
        lo = num <= 0 ? 0 : (num + stride - 1) / stride;
        hi = (p + pad) / stride;
        if (hi > outSize - 1) hi = outSize - 1;
    }

    [Kernel]
    public static void MaxBackward(ArrayView<float> dy, ArrayView<int> argmax, ArrayView<float> dx, int count, PoolShape s)
    {
        for (int i = Stride.Start; i < count; i += Stride.Step) MaxGather(dy, argmax, dx, i, s);
    }

    private static void MaxGather(ArrayView<float> dy, ArrayView<int> argmax, ArrayView<float> dx, int i, in PoolShape s)
    {
        Covering(i, s, out long outBase, out int oh0, out int oh1, out int ow0, out int ow1);
        int at = i % (s.H * s.W); // the argmax windows store: position in the plane
        float sum = 0f;
        for (int oi = oh0; oi <= oh1; oi++)
            for (int oj = ow0; oj <= ow1; oj++)
            {
                long o = outBase + oi * s.OW + oj;
                if (argmax[o] == at) sum += dy[o];
            }
        dx[i] = sum;
    }

    /// <summary>Average with padding counted as zeros in the divisor (PyTorch's default); inv = 1/(KH·KW) from the host.</summary>
    [Kernel]
    public static void AvgForward(ArrayView<float> x, ArrayView<float> y, int count, PoolShape s, float inv)
    {
        for (int i = Stride.Start; i < count; i += Stride.Step) AvgWindow(x, y, i, s, inv);
    }

    private static void AvgWindow(ArrayView<float> x, ArrayView<float> y, int i, in PoolShape s, float inv)
    {
        Window(i, s, out long inBase, out int top, out int left);
        float sum = 0f;
        for (int a = 0; a < s.KH; a++)
        {
            int ih = top + a;
            if (ih < 0 || ih >= s.H) continue;
            for (int b = 0; b < s.KW; b++)
            {
                int iw = left + b;
                if (iw >= 0 && iw < s.W) sum += x[inBase + ih * s.W + iw];
            }
        }
        y[i] = sum * inv;
    }

    [Kernel]
    public static void AvgBackward(ArrayView<float> dy, ArrayView<float> dx, int count, PoolShape s, float inv)
    {
        for (int i = Stride.Start; i < count; i += Stride.Step) AvgGather(dy, dx, i, s, inv);
    }

    private static void AvgGather(ArrayView<float> dy, ArrayView<float> dx, int i, in PoolShape s, float inv)
    {
        Covering(i, s, out long outBase, out int oh0, out int oh1, out int ow0, out int ow1);
        float sum = 0f;
        for (int oi = oh0; oi <= oh1; oi++)
            for (int oj = ow0; oj <= ow1; oj++)
                sum += dy[outBase + oi * s.OW + oj] * inv;
        dx[i] = sum;
    }
}
