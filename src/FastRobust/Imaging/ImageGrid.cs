namespace FastRobust.Imaging;

/// <summary>
/// A grid of equally sized tiles (rows × columns), each an image in [0, 1] (1 or 3 channels, CHW), drawn with an
/// integer zoom and a one-pixel white border, then saved as PNG.
/// </summary>
public sealed class ImageGrid
{
    private readonly byte[] _rgb;
    private readonly int _tileW, _tileH, _zoom;

    public ImageGrid(int rows, int columns, int tileH, int tileW, int zoom = 4)
    {
        _tileW = tileW * zoom;
        _tileH = tileH * zoom;
        _zoom = zoom;
        Width = columns * (_tileW + 1) + 1;
        Height = rows * (_tileH + 1) + 1;
        _rgb = new byte[Width * Height * 3];
        Array.Fill(_rgb, (byte)255);
    }

    public int Width { get; }
    public int Height { get; }

    /// <summary>Draws a CHW image (values clamped to [0, 1]; 1 channel is drawn grey) into tile (row, column).</summary>
    public void Draw(int row, int column, ReadOnlySpan<float> chw, int channels)
    {
        int h = _tileH / _zoom, w = _tileW / _zoom, plane = h * w;
        for (int y = 0; y < _tileH; y++)
        for (int x = 0; x < _tileW; x++)
        {
            int src = y / _zoom * w + x / _zoom;
            int dst = ((row * (_tileH + 1) + 1 + y) * Width + column * (_tileW + 1) + 1 + x) * 3;
            for (int c = 0; c < 3; c++)
            {
                float v = chw[(channels == 1 ? 0 : c) * plane + src];
                _rgb[dst + c] = (byte)Math.Round(255 * Math.Clamp(v, 0f, 1f));
            }
        }
    }

    public void Save(string path) => PngWriter.WriteRgb(path, _rgb, Width, Height);
}
