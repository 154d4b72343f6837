using FastRobust.Util;
using SkiaSharp;

namespace FastRobust.Imaging;

/// <summary>
/// A grid of images (CHW in [0, 1], 1 or 3 channels) with the words people need to read it: a title, a caption
/// above each column, one left of each row, and a short caption under each tile (say "pred: cat 0.93").
/// Drawn with SkiaSharp, pixels nearest-neighbour enlarged so small images stay sharp.
/// </summary>
public sealed class LabelledGrid
{
    private const float TitleSize = 20, HeaderSize = 15, CaptionSize = 13, Pad = 8;

    private readonly int _rows, _columns, _tileW, _tileH;
    private readonly SKBitmap?[,] _tiles;
    private readonly string?[,] _captions;
    private readonly string[] _columnHeaders, _rowHeaders;

    public LabelledGrid(int rows, int columns, int tileH, int tileW, int zoom = 4)
    {
        if (rows < 1 || columns < 1 || tileH < 1 || tileW < 1 || zoom < 1)
            throw new ArgumentException("a grid needs at least one row, one column and a positive tile size");
        (_rows, _columns, _tileH, _tileW) = (rows, columns, tileH * zoom, tileW * zoom);
        _tiles = new SKBitmap?[rows, columns];
        _captions = new string?[rows, columns];
        _columnHeaders = new string[columns];
        _rowHeaders = new string[rows];
        Array.Fill(_columnHeaders, "");
        Array.Fill(_rowHeaders, "");
    }

    public string Title { get; set; } = "";

    public void SetColumnHeader(int column, string text) => _columnHeaders[column] = text;
    public void SetRowHeader(int row, string text) => _rowHeaders[row] = text;
    public void SetCaption(int row, int column, string text) => _captions[row, column] = text;

    /// <summary>Places a CHW image (values clamped to [0, 1]; 1 channel drawn grey) in tile (row, column).</summary>
    public void Draw(int row, int column, ReadOnlySpan<float> chw, int channels, int height, int width)
    {
        if (channels is not (1 or 3)) throw new ArgumentException($"an image has 1 or 3 channels, not {channels}");
        if (chw.Length != channels * height * width) throw new ArgumentException("image buffer does not match its size");
        var bmp = new SKBitmap(width, height, SKColorType.Rgba8888, SKAlphaType.Opaque);
        int plane = height * width;
        Span<byte> rgb = stackalloc byte[3];
        for (int y = 0; y < height; y++)
        for (int x = 0; x < width; x++)
        {
            int i = y * width + x;
            for (int c = 0; c < 3; c++)
                rgb[c] = (byte)Math.Round(255 * Math.Clamp(chw[(channels == 1 ? 0 : c) * plane + i], 0f, 1f));
            bmp.SetPixel(x, y, new SKColor(rgb[0], rgb[1], rgb[2]));
        }
        _tiles[row, column]?.Dispose();
        _tiles[row, column] = bmp;
    }

    /// <summary>Renders the grid as PNG bytes.</summary>
    public byte[] PngBytes()
    {
        using var titleFont = Font(TitleSize, bold: true);
        using var headerFont = Font(HeaderSize, bold: true);
        using var captionFont = Font(CaptionSize, bold: false);
        float rowHeaderW = _rowHeaders.Max(t => headerFont.MeasureText(t)) + (_rowHeaders.Any(t => t.Length > 0) ? 2 * Pad : 0);
        float cellW = Math.Max(_tileW, MaxCaptionWidth(captionFont, headerFont)) + Pad;
        bool anyCaption = _captions.Cast<string?>().Any(c => !string.IsNullOrEmpty(c));
        float cellH = _tileH + Pad + (anyCaption ? CaptionSize + 6 : 0);
        float titleH = Title.Length > 0 ? TitleSize + 2 * Pad : Pad;
        float headerH = _columnHeaders.Any(t => t.Length > 0) ? HeaderSize + Pad : 0;
        int width = (int)Math.Ceiling(rowHeaderW + _columns * cellW + Pad);
        int height = (int)Math.Ceiling(titleH + headerH + _rows * cellH + Pad);

        using var surface = SKSurface.Create(new SKImageInfo(width, height, SKColorType.Rgba8888, SKAlphaType.Premul));
        var canvas = surface.Canvas;
        canvas.Clear(SKColors.White);
        using var ink = new SKPaint { Color = SKColors.Black, IsAntialias = true };
        if (Title.Length > 0) canvas.DrawText(Title, width / 2f, Pad + TitleSize, SKTextAlign.Center, titleFont, ink);
        for (int c = 0; c < _columns; c++)
            canvas.DrawText(_columnHeaders[c], rowHeaderW + c * cellW + cellW / 2, titleH + HeaderSize, SKTextAlign.Center, headerFont, ink);
        using var sampling = new SKPaint { IsAntialias = false };
        for (int r = 0; r < _rows; r++)
        {
            float top = titleH + headerH + r * cellH;
            canvas.DrawText(_rowHeaders[r], Pad, top + _tileH / 2f + HeaderSize / 2, SKTextAlign.Left, headerFont, ink);
            for (int c = 0; c < _columns; c++)
            {
                float left = rowHeaderW + c * cellW + (cellW - _tileW) / 2;
                if (_tiles[r, c] is { } tile)
                {
                    using var image = SKImage.FromBitmap(tile);
                    canvas.DrawImage(image, new SKRect(left, top, left + _tileW, top + _tileH),
                        new SKSamplingOptions(SKFilterMode.Nearest), sampling);
                }
                if (_captions[r, c] is { Length: > 0 } caption)
                    canvas.DrawText(caption, rowHeaderW + c * cellW + cellW / 2, top + _tileH + 4 + CaptionSize,
                        SKTextAlign.Center, captionFont, ink);
            }
        }
        using var snapshot = surface.Snapshot();
        using var data = snapshot.Encode(SKEncodedImageFormat.Png, 100);
        return data.ToArray();
    }

    /// <summary>Saves the grid as a PNG file, atomically.</summary>
    public void SavePng(string path)
    {
        byte[] png = PngBytes();
        AtomicFile.Write(path, s => s.Write(png));
    }

    private float MaxCaptionWidth(SKFont captionFont, SKFont headerFont)
    {
        float w = 0;
        foreach (string? c in _captions) if (c is not null) w = Math.Max(w, captionFont.MeasureText(c));
        foreach (string h in _columnHeaders) w = Math.Max(w, headerFont.MeasureText(h));
        return w;
    }

    private static SKFont Font(float size, bool bold) =>
        new(SKTypeface.FromFamilyName(Figure.FontName, bold ? SKFontStyle.Bold : SKFontStyle.Normal), size);
}
