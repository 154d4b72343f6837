namespace FastRobust.Tensors;

/// <summary>
/// Shape of one 2-D convolution over the ensemble: E members, each with weights [O, C, KH, KW], applied to
/// N images [C, H, W]. When <see cref="BroadcastInput"/> is set all members read the same input [N, C, H, W]
/// (the first layer of an ensemble); otherwise the input is [E, N, C, H, W].
/// </summary>
public readonly record struct ConvGeometry(
    int E, int N, int C, int H, int W, int O, int KH, int KW, int StrideH, int StrideW, int PadH, int PadW,
    bool BroadcastInput)
{
    public int OH => (H + 2 * PadH - KH) / StrideH + 1;
    public int OW => (W + 2 * PadW - KW) / StrideW + 1;
    /// <summary>Rows of the im2col matrix: C·KH·KW.</summary>
    public int K => C * KH * KW;
    public long InputImage => (long)C * H * W;
    public long OutputImage => (long)O * OH * OW;
    public long WeightMember => (long)O * K;
    public long FlopsForward => 2L * E * N * O * OH * OW * K;
}

/// <summary>Max or average pooling over [B, C, H, W] where B folds the ensemble and batch dimensions.</summary>
public readonly record struct PoolGeometry(int B, int C, int H, int W, int KH, int KW, int StrideH, int StrideW, int PadH, int PadW)
{
    public int OH => (H + 2 * PadH - KH) / StrideH + 1;
    public int OW => (W + 2 * PadW - KW) / StrideW + 1;
    public long OutputCount => (long)B * C * OH * OW;
}

/// <summary>Batch norm over [E, N, C, HW]: statistics per (member, channel).</summary>
public readonly record struct BatchNormGeometry(int E, int N, int C, int HW)
{
    public long Count => (long)E * N * C * HW;
}
