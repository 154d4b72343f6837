using FastRobust.Util;
using SkiaSharp;

namespace FastRobust.Imaging;

/// <summary>
/// A grid of images (CHW in [0, 1], 1 or 3 channels) with the words people need to read it: a title, a caption
/// above each column, one left of each row, and a short caption under each tile (say "pred: cat 0.93"); under the
/// grid, optionally a colour bar (what a map's colours mean) and legend lines (a colour swatch and its meaning, or
/// a plain note). Headers and captions may hold several lines ('\n'). Drawn with SkiaSharp, pixels
/// nearest-neighbour enlarged so small images stay sharp.
/// </summary>
public sealed class LabelledGrid
{
    private const float TitleSize = 20, HeaderSize = 15, CaptionSize = 13, Pad = 8, LineGap = 4, Swatch = 12;
    private const int BarWidth = 260, BarHeight = 14;

    private readonly int _rows, _columns, _tileW, _tileH;
    private readonly SKBitmap?[,] _tiles;
    private readonly string?[,] _captions;
    private readonly SKColor?[,] _captionColours;
    private readonly string[] _columnHeaders, _rowHeaders;
    private readonly List<(string Text, SKColor? Swatch)> _legend = [];
    private (ColourMap Map, string Label, string Low, string High, string? Mid)? _bar;

    public LabelledGrid(int rows, int columns, int tileH, int tileW, int zoom = 4)
    {
        if (rows < 1 || columns < 1 || tileH < 1 || tileW < 1 || zoom < 1)
            throw new ArgumentException("a grid needs at least one row, one column and a positive tile size");
        (_rows, _columns, _tileH, _tileW) = (rows, columns, tileH * zoom, tileW * zoom);
        _tiles = new SKBitmap?[rows, columns];
        _captions = new string?[rows, columns];
        _captionColours = new SKColor?[rows, columns];
        _columnHeaders = new string[columns];
        _rowHeaders = new string[rows];
        Array.Fill(_columnHeaders, "");
        Array.Fill(_rowHeaders, "");
    }

    public string Title { get; set; } = "";
    public int Rows => _rows;
    public int Columns => _columns;

    public void SetColumnHeader(int column, string text) => _columnHeaders[column] = text;
    public void SetRowHeader(int row, string text) => _rowHeaders[row] = text;
    public void SetCaption(int row, int column, string text) => _captions[row, column] = text;

    /// <summary>A caption drawn in a colour other than black (say red for a successful attack).</summary>
    public void SetCaption(int row, int column, string text, SKColor colour)
    {
        _captions[row, column] = text;
        _captionColours[row, column] = colour;
    }

    public string ColumnHeader(int column) => _columnHeaders[column];
    public string RowHeader(int row) => _rowHeaders[row];
    public string? Caption(int row, int column) => _captions[row, column];
    public SKColor CaptionColour(int row, int column) => _captionColours[row, column] ?? SKColors.Black;

    /// <summary>A line under the grid: a colour swatch and what it means, or (no swatch) a plain note.</summary>
    public void AddLegend(string text, SKColor? swatch = null) => _legend.Add((text, swatch));

    /// <summary>The legend lines in order.</summary>
    public IReadOnlyList<(string Text, SKColor? Swatch)> Legend => _legend;

    /// <summary>
    /// A horizontal colour bar under the grid: <paramref name="label"/> left of it, the map's colours from its low
    /// end (left, labelled <paramref name="lowText"/>) to its high end (right, <paramref name="highText"/>).
    /// </summary>
    public void SetColourBar(ColourMap map, string label, string lowText, string highText, string? midText = null) =>
        _bar = (map, label, lowText, highText, midText);

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

    /// <summary>Where tile (row, column) lands in the rendered image, in pixels.</summary>
    public SKRectI TileBounds(int row, int column)
    {
        using var fonts = new Fonts();
        return Measure(fonts).Tile(row, column);
    }

    /// <summary>Where the colour bar's colours land (null without one).</summary>
    public SKRectI? ColourBarBounds()
    {
        using var fonts = new Fonts();
        return Measure(fonts).Bar;
    }

    /// <summary>Renders the grid as PNG bytes.</summary>
    public byte[] PngBytes()
    {
        using var fonts = new Fonts();
        var layout = Measure(fonts);
        using var surface = SKSurface.Create(new SKImageInfo(layout.Width, layout.Height, SKColorType.Rgba8888, SKAlphaType.Premul));
        var canvas = surface.Canvas;
        canvas.Clear(SKColors.White);
        using var ink = new SKPaint { Color = SKColors.Black, IsAntialias = true };
        if (Title.Length > 0) canvas.DrawText(Title, layout.Width / 2f, Pad + TitleSize, SKTextAlign.Center, fonts.Title, ink);
        for (int c = 0; c < _columns; c++)
        {
            var lines = Lines(_columnHeaders[c]);
            for (int l = 0; l < lines.Length; l++)
                canvas.DrawText(lines[l], layout.RowHeaderW + c * layout.CellW + layout.CellW / 2f,
                    layout.TitleH + HeaderSize + l * (HeaderSize + LineGap), SKTextAlign.Center, fonts.Header, ink);
        }
        using var sampling = new SKPaint { IsAntialias = false };
        using var captionInk = new SKPaint { IsAntialias = true };
        for (int r = 0; r < _rows; r++)
        {
            var tileTop = layout.Tile(r, 0).Top;
            var headerLines = Lines(_rowHeaders[r]);
            float block = headerLines.Length * (HeaderSize + LineGap) - LineGap;
            for (int l = 0; l < headerLines.Length; l++)
                canvas.DrawText(headerLines[l], Pad, tileTop + _tileH / 2f - block / 2 + HeaderSize - 2 + l * (HeaderSize + LineGap),
                    SKTextAlign.Left, fonts.Header, ink);
            for (int c = 0; c < _columns; c++)
            {
                var rect = layout.Tile(r, c);
                if (_tiles[r, c] is { } tile)
                {
                    using var image = SKImage.FromBitmap(tile);
                    canvas.DrawImage(image, rect, new SKSamplingOptions(SKFilterMode.Nearest), sampling);
                }
                if (_captions[r, c] is not { Length: > 0 } caption) continue;
                captionInk.Color = CaptionColour(r, c);
                var lines = Lines(caption);
                for (int l = 0; l < lines.Length; l++)
                    canvas.DrawText(lines[l], layout.RowHeaderW + c * layout.CellW + layout.CellW / 2f,
                        rect.Bottom + LineGap + CaptionSize + l * (CaptionSize + LineGap), SKTextAlign.Center, fonts.Caption, captionInk);
            }
        }
        float y = layout.FooterTop;
        if (_bar is { } bar && layout.Bar is { } b)
        {
            canvas.DrawText(bar.Label, Pad, b.Top + BarHeight - 2, SKTextAlign.Left, fonts.Caption, ink);
            using var fill = new SKPaint { IsAntialias = false };
            for (int x = 0; x < b.Width; x++)
            {
                var (cr, cg, cb) = bar.Map.Colour(bar.Map.Low + (bar.Map.High - bar.Map.Low) * x / (b.Width - 1));
                fill.Color = new SKColor(Byte(cr), Byte(cg), Byte(cb));
                canvas.DrawRect(new SKRect(b.Left + x, b.Top, b.Left + x + 1, b.Bottom), fill);
            }
            using var frame = new SKPaint { Color = SKColors.Gray, IsStroke = true, StrokeWidth = 1, IsAntialias = false };
            canvas.DrawRect(new SKRect(b.Left - 1, b.Top - 1, b.Right, b.Bottom), frame);
            float tickY = b.Bottom + LineGap + CaptionSize;
            canvas.DrawText(bar.Low, b.Left, tickY, SKTextAlign.Center, fonts.Caption, ink);
            canvas.DrawText(bar.High, b.Right, tickY, SKTextAlign.Center, fonts.Caption, ink);
            if (bar.Mid is { } mid) canvas.DrawText(mid, b.MidX, tickY, SKTextAlign.Center, fonts.Caption, ink);
            y = tickY + Pad;
        }
        foreach (var (text, swatch) in _legend)
        {
            float x = Pad;
            if (swatch is { } colour)
            {
                using var fill = new SKPaint { Color = colour, IsAntialias = false };
                using var frame = new SKPaint { Color = SKColors.Gray, IsStroke = true, StrokeWidth = 1, IsAntialias = false };
                var square = new SKRect(x, y + 1, x + Swatch, y + 1 + Swatch);
                canvas.DrawRect(square, fill);
                canvas.DrawRect(square, frame);
                x += Swatch + 6;
            }
            canvas.DrawText(text, x, y + CaptionSize, SKTextAlign.Left, fonts.Caption, ink);
            y += CaptionSize + LineGap + 2;
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

    /// <summary>The sizes and positions of everything, computed once per render from the texts' measured widths.</summary>
    private sealed record Layout(int Width, int Height, int RowHeaderW, int CellW, int CellH, int TitleH, int HeaderH,
        int TileW, int TileH, float FooterTop, SKRectI? Bar)
    {
        public SKRectI Tile(int row, int column)
        {
            int left = RowHeaderW + column * CellW + (CellW - TileW) / 2, top = TitleH + HeaderH + row * CellH;
            return new SKRectI(left, top, left + TileW, top + TileH);
        }
    }

    private Layout Measure(Fonts fonts)
    {
        float rowHeaderW = _rowHeaders.Any(t => t.Length > 0) ? MaxWidth(_rowHeaders, fonts.Header) + 2 * Pad : 0;
        var captions = _captions.Cast<string?>().Where(c => !string.IsNullOrEmpty(c)).Select(c => c!).ToList();
        int captionLines = captions.Count == 0 ? 0 : captions.Max(c => Lines(c).Length);
        int headerLines = _columnHeaders.Any(t => t.Length > 0) ? _columnHeaders.Max(t => Lines(t).Length) : 0;
        int cellW = (int)Math.Ceiling(Math.Max(_tileW, Math.Max(MaxWidth(captions, fonts.Caption), MaxWidth(_columnHeaders, fonts.Header))) + Pad);
        int cellH = (int)Math.Ceiling(_tileH + Pad + (captionLines > 0 ? captionLines * (CaptionSize + LineGap) + 2 : 0));
        int titleH = (int)(Title.Length > 0 ? TitleSize + 2 * Pad : Pad);
        int headerH = (int)Math.Ceiling(headerLines > 0 ? headerLines * (HeaderSize + LineGap) - LineGap + Pad : 0);
        int rowHeader = (int)Math.Ceiling(rowHeaderW);
        float gridBottom = titleH + headerH + _rows * cellH;
        float width = Math.Max(rowHeader + _columns * cellW + Pad, Title.Length > 0 ? fonts.Title.MeasureText(Title) + 2 * Pad : 0);
        float footerTop = gridBottom + (_bar is not null || _legend.Count > 0 ? Pad : 0), y = footerTop;
        SKRectI? barRect = null;
        if (_bar is { } bar)
        {
            int left = (int)Math.Ceiling(Pad + fonts.Caption.MeasureText(bar.Label) + Pad + fonts.Caption.MeasureText(bar.Low) / 2);
            barRect = new SKRectI(left, (int)Math.Ceiling(y), left + BarWidth, (int)Math.Ceiling(y) + BarHeight);
            width = Math.Max(width, left + BarWidth + fonts.Caption.MeasureText(bar.High) / 2 + Pad);
            y = barRect.Value.Bottom + LineGap + CaptionSize + Pad;
        }
        foreach (var (text, swatch) in _legend)
        {
            width = Math.Max(width, Pad + (swatch is null ? 0 : Swatch + 6) + fonts.Caption.MeasureText(text) + Pad);
            y += CaptionSize + LineGap + 2;
        }
        int height = (int)Math.Ceiling(Math.Max(y, gridBottom) + Pad);
        return new Layout((int)Math.Ceiling(width), height, rowHeader, cellW, cellH, titleH, headerH, _tileW, _tileH, footerTop, barRect);
    }

    private static string[] Lines(string text) => text.Length == 0 ? [] : text.Split('\n');

    private static float MaxWidth(IEnumerable<string> texts, SKFont font)
    {
        float w = 0;
        foreach (string t in texts)
            foreach (string line in Lines(t)) w = Math.Max(w, font.MeasureText(line));
        return w;
    }

    private static byte Byte(float v) => (byte)Math.Round(255 * Math.Clamp(v, 0f, 1f));

    /// <summary>The three fonts of a render, disposed together.</summary>
    private sealed class Fonts : IDisposable
    {
        public SKFont Title { get; } = Font(TitleSize, bold: true);
        public SKFont Header { get; } = Font(HeaderSize, bold: true);
        public SKFont Caption { get; } = Font(CaptionSize, bold: false);

        public void Dispose()
        {
            Title.Dispose();
            Header.Dispose();
            Caption.Dispose();
        }

        private static SKFont Font(float size, bool bold) =>
            new(SKTypeface.FromFamilyName(Figure.FontName, bold ? SKFontStyle.Bold : SKFontStyle.Normal), size);
    }
}
