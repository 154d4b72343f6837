namespace FastRobust.Data;

/// <summary>
/// uint8 pixels to float32 in [0, 1]. A table of b / 255f (not b · (1/255f)) so that values are bit-identical to
/// torchvision's ToTensor, which divides.
/// </summary>
internal static class PixelBytes
{
    private static readonly float[] Table = Enumerable.Range(0, 256).Select(b => b / 255f).ToArray();

    public static float ToFloat(byte b) => Table[b];

    public static void ToFloats(ReadOnlySpan<byte> src, Span<float> dst)
    {
        if (dst.Length < src.Length) throw new ArgumentException("destination shorter than source");
        var table = Table;
        for (int i = 0; i < src.Length; i++) dst[i] = table[src[i]];
    }
}
