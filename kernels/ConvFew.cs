using ILGPU;

namespace FastRobust.Kernels;

/// <summary>
/// The channel accumulators of one input pixel in <see cref="Conv.BackwardDataFew"/>, as named registers: ILGPU keeps
/// a by-value struct of floats in registers (an array would live in local memory).
/// </summary>
public struct ChannelSums
{
    public float C0, C1, C2, C3, C4, C5, C6, C7;
}

public static partial class Conv
{
    /// <summary>The most input channels <see cref="BackwardDataFew"/> handles (the accumulators of <see cref="ChannelSums"/>).</summary>
    public const int FewChannels = 8;

    /// <summary>Weights <see cref="BackwardDataFew"/> stages in shared memory at a time (whole (member, o) planes of C·KH·KW).</summary>
    public const int FewStage = 2048;

    /// <summary>
    /// The data gradient for inputs with few channels (C ≤ <see cref="FewChannels"/>: an image), directly: one thread
    /// per input pixel of dX [Z, N, C, H, W] (grid X over N·H·W, Z = E, or 1 for a broadcast input) with all C channel
    /// sums in registers. It walks the taps (member e when the input is broadcast, o, ki, kj); per tap one dY load
    /// (neighbouring threads read neighbouring pixels) and the index and bounds arithmetic are shared by the C
    /// channels, each of which then adds one weight (the same address in every lane) times it. The tile kernel
    /// <see cref="BackwardData"/> would compute 8 rows of which C are live and stage a slice of dY per 16 taps.
    /// </summary>
    [Kernel]
    public static void BackwardDataFew(ArrayView<float> dy, ArrayView<float> w, ArrayView<float> dx, ConvShape s)
    {
        var ws = SharedMemory.Allocate<float>(FewStage);
        // one copy of the tap loop per channel count (uniform branch): no per-channel conditions inside it
        switch (s.C)
        {
            case 1: DataFew<Channels1>(dy, w, dx, s, ws); break;
            case 2: DataFew<Channels2>(dy, w, dx, s, ws); break;
            case 3: DataFew<Channels3>(dy, w, dx, s, ws); break;
            case 4: DataFew<Channels4>(dy, w, dx, s, ws); break;
            case 5: DataFew<Channels5>(dy, w, dx, s, ws); break;
            case 6: DataFew<Channels6>(dy, w, dx, s, ws); break;
            case 7: DataFew<Channels7>(dy, w, dx, s, ws); break;
            default: DataFew<Channels8>(dy, w, dx, s, ws); break;
        }
    }

    private static void DataFew<TC>(ArrayView<float> dy, ArrayView<float> w, ArrayView<float> dx, ConvShape s, ArrayView<float> ws) where TC : struct, IChannelCount
    {
        int C = default(TC).Count;
        int t = Group.IdxX, j = Grid.IdxX * Group.DimX + t, z = Grid.IdxZ;
        // the shape in registers: ILGPU reads a struct argument's fields from parameter memory at every use
        int O = s.O, KH = s.KH, KW = s.KW, OH = s.OH, OW = s.OW, SH = s.StrideH, SW = s.StrideW, N = s.N, H = s.H, W = s.W;
        bool broadcast = s.Broadcast != 0;
        float invSH = s.InvStrideH, invSW = s.InvStrideW;
        int hw = H * W, khw = KH * KW, ohw = OH * OW, planeLen = C * khw;
        // past the last pixel a thread still stages weights (barriers) but computes pixel 0 and writes nothing
        bool ok = j < N * hw;
        // 32-bit offsets: the backend refuses tensors of 2^31 elements or more
        int img = ok ? j / hw : 0, p = ok ? j - img * hw : 0;
        int ih = p / W, iw = p - ih * W;
        // never true; it uses the decoded pixel here, outside the loops: ILGPU's code placement would otherwise move
        // the divisions to their only other users, into the tap loop
        if (((uint)ih >= (uint)H) | ((uint)iw >= (uint)W) | (img >= N)) return;
        int ihPad = ih + s.PadH, iwPad = iw + s.PadW;
        int member = broadcast ? 0 : z;
        // the (member, o) planes of the reduction (with a broadcast input the members are part of it), staged
        // chunkPlanes at a time (the host routes only C·KH·KW ≤ FewStage here)
        int planes = (broadcast ? s.E : 1) * O, chunkPlanes = FewStage / planeLen;
        // dY[member, img, o], stepped with the taps
        int dyPlane = (member * N + img) * O * ohw;
        // from past the last plane of one member's image to the first plane of the next member's
        int nextMember = (N - 1) * O * ohw;
        // hn = ihPad - ki and wn = iwPad - kj: the output position that reads (ih, iw) through tap (ki, kj) is
        // (hn / SH, wn / SW) when both divide exactly. hn / SH without an integer division (≈ 20 instructions):
        // when SH divides hn (< 2^22) the rounded float quotient is exact, and when it does not no integer passes
        // the check oh·SH = hn. The row's part (rowHit, rowAt) changes with ki only.
        int hn = ihPad, wn = iwPad, kj = 0, ki = 0, o = 0;
        int oh = (int)(hn * invSH + 0.5f);
        bool rowHit = (hn >= 0) & (oh * SH == hn) & (oh < OH);
        int rowAt = dyPlane + oh * OW;
        var acc = new ChannelSums();
        for (int p0 = 0; p0 < planes; p0 += chunkPlanes)
        {
            int chunk = planes - p0 < chunkPlanes ? planes - p0 : chunkPlanes;
            int len = chunk * planeLen, src = ((member * O) + p0) * planeLen;
            // the previous chunk's readers are done
            Group.Barrier();
            // ws[(plane·khw + q)·C + c] = w[member, p0 + plane, c, q]: the C weights of a tap side by side
            for (int i = t; i < len; i += Group.DimX)
            {
                int tap = i / C, c = i - tap * C;
                int pl = tap / khw, q = tap - pl * khw;
                ws[i] = w[src + (pl * C + c) * khw + q];
            }
            Group.Barrier();
            int taps = chunk * khw;
            for (int k = 0; k < taps; k++)
            {
                int ow = (int)(wn * invSW + 0.5f);
                // & rather than &&: one predicate, no branches
                bool hit = rowHit & (wn >= 0) & (ow * SW == wn) & (ow < OW);
                acc = AccumulateTap<TC>(acc, ws.SubView(k * C, C), Masked(dy, hit, rowAt + ow));
                wn--;
                if (++kj == KW)
                {
                    kj = 0;
                    wn = iwPad;
                    hn--;
                    if (++ki == KH)
                    {
                        ki = 0;
                        hn = ihPad;
                        dyPlane += ohw;
                        if (++o == O)
                        {
                            o = 0;
                            dyPlane += nextMember;
                        }
                    }
                    oh = (int)(hn * invSH + 0.5f);
                    rowHit = (hn >= 0) & (oh * SH == hn) & (oh < OH);
                    rowAt = dyPlane + oh * OW;
                }
            }
        }
        if (!ok) return;
        long at = InputBase(s, z, img) + p;
        dx[at] = acc.C0;
        if (C > 1) dx[at + hw] = acc.C1;
        if (C > 2) dx[at + 2 * hw] = acc.C2;
        if (C > 3) dx[at + 3 * hw] = acc.C3;
        if (C > 4) dx[at + 4 * hw] = acc.C4;
        if (C > 5) dx[at + 5 * hw] = acc.C5;
        if (C > 6) dx[at + 6 * hw] = acc.C6;
        if (C > 7) dx[at + 7 * hw] = acc.C7;
    }

    /// <summary>acc[c] += wt[c]·g for the TC channels (a constant: the conditions fold away, the offsets become immediates).</summary>
    private static ChannelSums AccumulateTap<TC>(ChannelSums acc, ArrayView<float> wt, float g) where TC : struct, IChannelCount
    {
        int C = default(TC).Count;
        acc.C0 += wt[0] * g;
        if (C > 1) acc.C1 += wt[1] * g;
        if (C > 2) acc.C2 += wt[2] * g;
        if (C > 3) acc.C3 += wt[3] * g;
        if (C > 4) acc.C4 += wt[4] * g;
        if (C > 5) acc.C5 += wt[5] * g;
        if (C > 6) acc.C6 += wt[6] * g;
        if (C > 7) acc.C7 += wt[7] * g;
        return acc;
    }
}

/// <summary>A channel count as a type, so that <see cref="Conv.BackwardDataFew"/> compiles one tap loop per count.</summary>
public interface IChannelCount
{
    int Count { get; }
}

public struct Channels1 : IChannelCount { public readonly int Count => 1; }
public struct Channels2 : IChannelCount { public readonly int Count => 2; }
public struct Channels3 : IChannelCount { public readonly int Count => 3; }
public struct Channels4 : IChannelCount { public readonly int Count => 4; }
public struct Channels5 : IChannelCount { public readonly int Count => 5; }
public struct Channels6 : IChannelCount { public readonly int Count => 6; }
public struct Channels7 : IChannelCount { public readonly int Count => 7; }
public struct Channels8 : IChannelCount { public readonly int Count => 8; }
