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

    /// <summary>
    /// Weights <see cref="BackwardDataFew"/> stages in shared memory at a time (8 KiB): whole (o, c, ki, kj) planes of
    /// C·KH·KW each; the host routes a larger plane to the tile kernel.
    /// </summary>
    public const int FewStage = 2048;

    /// <summary>
    /// The data gradient for inputs with few channels (C ≤ <see cref="FewChannels"/>: an image), directly: one thread
    /// per input pixel of dX [Z, N, C, H, W] (grid X over N·H·W, Z = E, or 1 for a broadcast input) with all C channel
    /// sums in registers. Per member of the reduction (all E when the input is broadcast) and chunk of output
    /// channels, the group stages the weights into shared memory as [ki, kj, o, c]; then for each tap (ki, kj) the
    /// output position and its bounds are worked out once, and the innermost loop runs over the output channels:
    /// one dY load (neighbouring threads read neighbouring pixels), C shared loads at one address for the whole warp
    /// (a broadcast, constant offsets) and C FMAs. The tile kernel <see cref="BackwardData"/> would compute 8 rows
    /// of which C are live and stage a slice of dY per 16 taps (sm_90 SASS, C = 3: 16 instructions per (tap, o)
    /// per warp of 32 pixels here, ≈ 19 with the loops around it, against ≈ 100 there; bench/gpu-model.py).
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

    private static void DataFew<TC>(ArrayView<float> dy, ArrayView<float> w, ArrayView<float> dx, ConvShape s, ArrayView<float> ws)
        where TC : struct, IChannelCount
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
        // the divisions to their only other users, into the tap loops
        if (((uint)ih >= (uint)H) | ((uint)iw >= (uint)W) | (img >= N)) return;
        int ihPad = ih + s.PadH, iwPad = iw + s.PadW;
        // the members of the reduction: all E with a broadcast input, else this grid slice's own
        int firstMember = broadcast ? 0 : z, lastMember = broadcast ? s.E : z + 1;
        // the output channels of a member, staged chunkO at a time (the host routes only C·KH·KW ≤ FewStage here)
        int chunkO = FewStage / planeLen;
        if (chunkO > O) chunkO = O;
        var acc = new ChannelSums();
        for (int e = firstMember; e < lastMember; e++)
        {
            for (int o0 = 0; o0 < O; o0 += chunkO)
            {
                int chunk = O - o0 < chunkO ? O - o0 : chunkO;
                int len = chunk * planeLen, src = (e * O + o0) * planeLen;
                // the previous chunk's readers are done
                Group.Barrier();
                // ws[(q·chunk + o)·C + c] = w[e, o0 + o, c, q]: tap-major, then the C weights of (tap, o) side by side
                for (int i = t; i < len; i += Group.DimX)
                {
                    int r = i / C, c = i - r * C;
                    int q = r / chunk, o = r - q * chunk;
                    ws[i] = w[src + (o * C + c) * khw + q];
                }
                Group.Barrier();
                // dY[e, img, o0]
                int dyChunk = ((e * N + img) * O + o0) * ohw;
                // hn = ihPad - ki and wn = iwPad - kj: the output position that reads (ih, iw) through tap (ki, kj)
                // is (hn / SH, wn / SW) when both divide exactly. hn / SH without an integer division (≈ 20
                // instructions): when SH divides hn (< 2^22) the rounded float quotient is exact, and when it does
                // not no integer passes the check oh·SH = hn. Shared by the chunk's output channels (inner loop).
                int hn = ihPad, at = 0;
                for (int ki = 0; ki < KH; ki++)
                {
                    int oh = (int)(hn * invSH + 0.5f);
                    bool rowHit = (hn >= 0) & (oh * SH == hn) & (oh < OH);
                    int wn = iwPad;
                    for (int kj = 0; kj < KW; kj++)
                    {
                        int ow = (int)(wn * invSW + 0.5f);
                        // & rather than &&: one predicate, no branches
                        bool hit = rowHit & (wn >= 0) & (ow * SW == wn) & (ow < OW);
                        // a miss reads the chunk's first planes (in range) and adds zeros
                        int dyAt = dyChunk + (hit ? oh * OW + ow : 0);
                        for (int o = 0; o < chunk; o++)
                        {
                            float g = dy[dyAt];
                            acc = AccumulateTap<TC>(acc, ws.SubView(at, C), hit ? g : 0f);
                            dyAt += ohw;
                            at += C;
                        }
                        wn--;
                    }
                    hn--;
                }
            }
        }
        if (!ok) return;
        long outAt = InputBase(s, z, img) + p;
        dx[outAt] = acc.C0;
        if (C > 1) dx[outAt + hw] = acc.C1;
        if (C > 2) dx[outAt + 2 * hw] = acc.C2;
        if (C > 3) dx[outAt + 3 * hw] = acc.C3;
        if (C > 4) dx[outAt + 4 * hw] = acc.C4;
        if (C > 5) dx[outAt + 5 * hw] = acc.C5;
        if (C > 6) dx[outAt + 6 * hw] = acc.C6;
        if (C > 7) dx[outAt + 7 * hw] = acc.C7;
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
