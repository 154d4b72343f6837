namespace FastRobust.Shifts.Generation.Jpeg;

/// <summary>
/// A baseline JPEG image between its two stages: quantised DCT coefficients per component (natural order, blocks
/// row-major over the component's MCU-padded grid) and the quantisation tables. The lossy stage (colour
/// conversion, subsampling, DCT, quantisation) fills one from pixels; the lossless stage (Huffman coding) turns it
/// into bytes and back.
/// </summary>
public sealed class JpegFrame
{
    public required int Width { get; init; }
    public required int Height { get; init; }
    public required JpegComponent[] Components { get; init; }

    /// <summary>Up to four tables, natural order, indexed by a component's <see cref="JpegComponent.Table"/>.</summary>
    public required ushort[]?[] QuantTables { get; init; }

    public int MaxH => Components.Max(c => c.H);
    public int MaxV => Components.Max(c => c.V);
    public int McusX => (Width + 8 * MaxH - 1) / (8 * MaxH);
    public int McusY => (Height + 8 * MaxV - 1) / (8 * MaxV);
}

/// <summary>One colour component: id, sampling factors, quantisation table and its coefficient blocks.</summary>
public sealed class JpegComponent
{
    public required int Id { get; init; }
    public required int H { get; init; }
    public required int V { get; init; }
    public required int Table { get; init; }
    public int BlocksX { get; init; }
    public int BlocksY { get; init; }

    /// <summary>64 coefficients per block, natural order.</summary>
    public short[] Coefficients { get; init; } = [];
}

/// <summary>Chroma subsampling of a colour JPEG.</summary>
public enum JpegSubsampling
{
    /// <summary>Chroma at half resolution both ways (2×2, libjpeg's and Pillow's default).</summary>
    Yuv420,

    /// <summary>Chroma at full resolution.</summary>
    Yuv444,
}
