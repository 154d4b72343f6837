using FastRobust.Imaging;

namespace FastRobust.Attacks;

/// <summary>
/// The attack verb's picture: one row per sample with the original image, the perturbation (amplified: grey is no
/// change, each image scaled so that its largest |δ| reaches black or white) and the adversarial image. Under the
/// original: label and clean prediction; under the adversarial image: its prediction, in red when the attack
/// succeeded and in green when it did not.
/// </summary>
public static class AttackGrid
{
    // 3×5 digits, rows top to bottom, 3 bits per row (MSB left)
    private static readonly int[][] Digits =
    [
        [7, 5, 5, 5, 7], [2, 6, 2, 2, 7], [7, 1, 7, 4, 7], [7, 1, 7, 1, 7], [5, 5, 7, 1, 1],
        [7, 4, 7, 1, 7], [7, 4, 7, 5, 7], [7, 1, 1, 1, 1], [7, 5, 7, 5, 7], [7, 5, 7, 1, 7],
    ];

    private static readonly int[] Arrow = [4, 2, 1, 2, 4]; // "›" between the label and the clean prediction

    public static void Write(string path, float[] clean, float[] adversarial, int[] shape, AttackResult r, int count)
    {
        int c = shape[1], h = shape[2], w = shape[3], size = c * h * w;
        int zoom = Math.Max(1, 96 / Math.Max(h, w));
        int scale = Math.Max(2, zoom / 2), tileW = w * zoom, tileH = h * zoom, caption = 7 * scale;
        int width = 3 * (tileW + 1) + 1, height = count * (tileH + caption + 1) + 1;
        var rgb = new byte[width * height * 3];
        Array.Fill(rgb, (byte)255);
        var delta = new float[size];
        for (int i = 0; i < count; i++)
        {
            int top = 1 + i * (tileH + caption + 1);
            var x = clean.AsSpan(i * size, size);
            var a = adversarial.AsSpan(i * size, size);
            float max = 0;
            for (int j = 0; j < size; j++) max = Math.Max(max, Math.Abs(a[j] - x[j]));
            for (int j = 0; j < size; j++) delta[j] = max > 0 ? 0.5f + (a[j] - x[j]) / (2 * max) : 0.5f;
            Tile(rgb, width, 1, top, x, c, h, w, zoom);
            Tile(rgb, width, 1 + (tileW + 1), top, delta, c, h, w, zoom);
            Tile(rgb, width, 1 + 2 * (tileW + 1), top, a, c, h, w, zoom);
            int textTop = top + tileH + 1;
            (byte, byte, byte) black = (0, 0, 0), verdict = r.Success[i] && r.Attacked[i] ? ((byte)200, (byte)0, (byte)0) : ((byte)0, (byte)140, (byte)0);
            int pos = Text(rgb, width, 2, textTop, r.Labels[i].ToString(), scale, black);
            pos = Glyph(rgb, width, pos, textTop, Arrow, scale, black);
            Text(rgb, width, pos, textTop, r.CleanPrediction[i].ToString(), scale, black);
            Text(rgb, width, 2 + 2 * (tileW + 1), textTop, r.Prediction[i].ToString(), scale, verdict);
        }
        PngWriter.WriteRgb(path, rgb, width, height);
    }

    private static void Tile(byte[] rgb, int width, int left, int top, ReadOnlySpan<float> chw, int c, int h, int w, int zoom)
    {
        int plane = h * w;
        for (int y = 0; y < h * zoom; y++)
            for (int x = 0; x < w * zoom; x++)
            {
                int src = y / zoom * w + x / zoom, dst = ((top + y) * width + left + x) * 3;
                for (int ch = 0; ch < 3; ch++)
                    rgb[dst + ch] = (byte)Math.Round(255 * Math.Clamp(chw[(c == 1 ? 0 : ch) * plane + src], 0f, 1f));
            }
    }

    private static int Text(byte[] rgb, int width, int left, int top, string digits, int scale, (byte R, byte G, byte B) color)
    {
        foreach (char ch in digits) left = Glyph(rgb, width, left, top, Digits[ch - '0'], scale, color);
        return left;
    }

    private static int Glyph(byte[] rgb, int width, int left, int top, int[] rows, int scale, (byte R, byte G, byte B) color)
    {
        int height = rgb.Length / 3 / width;
        for (int y = 0; y < 5; y++)
            for (int x = 0; x < 3; x++)
            {
                if ((rows[y] >> (2 - x) & 1) == 0) continue;
                for (int dy = 0; dy < scale; dy++)
                    for (int dx = 0; dx < scale; dx++)
                    {
                        int px = left + x * scale + dx, py = top + y * scale + dy;
                        if (px >= width || py >= height) continue;
                        int i = (py * width + px) * 3;
                        rgb[i] = color.R;
                        rgb[i + 1] = color.G;
                        rgb[i + 2] = color.B;
                    }
            }
        return left + 4 * scale;
    }
}
