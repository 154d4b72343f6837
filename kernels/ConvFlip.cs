using ILGPU;

namespace FastRobust.Kernels;

public static partial class Conv
{
    /// <summary>
    /// wT[e, c, o, i, j] = w[e, o, c, KH−1−i, KW−1−j]: the weights of a stride-1 convolution's data gradient written
    /// as a forward convolution (dX = dY ⋆ wT with padding K−1−pad), so that the data gradient runs on
    /// <see cref="Forward"/>, whose staging costs half the data-gradient kernel's per element. One thread per element
    /// of wT, in its layout (coalesced writes; the weights are small).
    /// </summary>
    [Kernel]
    public static void FlipWeights(ArrayView<float> w, ArrayView<float> wT, int total, int O, int C, int KH, int KW)
    {
        int khw = KH * KW, okhw = O * khw, member = C * okhw;
        for (int i = Stride.Start; i < total; i += Stride.Step)
        {
            int e = i / member, r = i - e * member;
            int c = r / okhw;
            r -= c * okhw;
            int o = r / khw, q = r - o * khw;
            int ki = q / KW, kj = q - ki * KW;
            wT[i] = w[e * member + (o * C + c) * khw + (KH - 1 - ki) * KW + (KW - 1 - kj)];
        }
    }
}
