using System.Globalization;
using FastRobust.Imaging;

namespace FastRobust.Pictures;

/// <summary>
/// The saliency verb's picture: each image beside its |∂L/∂x| map (the maximum over channels, scaled by the map's
/// own largest value, in <see cref="ColourMap.Heat"/>), captioned with the label and that largest value, above a
/// colour bar.
/// </summary>
public static class SaliencyPicture
{
    public static LabelledGrid Build(float[] images, float[] gradients, int[] shape, int[] labels, int count)
    {
        int c = shape[1], h = shape[2], w = shape[3], size = c * h * w, plane = h * w;
        var grid = new LabelledGrid(count, 2, h, w, zoom: Math.Max(1, 112 / Math.Max(h, w)))
        {
            Title = "Saliency: |∂L/∂x| for each image",
        };
        grid.SetColumnHeader(0, "image");
        grid.SetColumnHeader(1, "|∂L/∂x|");
        var map = new float[plane];
        for (int i = 0; i < count; i++)
        {
            grid.SetRowHeader(i, $"#{i}");
            grid.Draw(i, 0, images.AsSpan(i * size, size), c, h, w);
            grid.SetCaption(i, 0, $"label: {labels[i]}");
            var g = gradients.AsSpan(i * size, size);
            Array.Clear(map);
            for (int ch = 0; ch < c; ch++)
                for (int p = 0; p < plane; p++) map[p] = Math.Max(map[p], Math.Abs(g[ch * plane + p]));
            float max = map.Max();
            if (max > 0) for (int p = 0; p < plane; p++) map[p] /= max;
            grid.Draw(i, 1, ColourMap.Heat.Paint(map), 3, h, w);
            grid.SetCaption(i, 1, $"max {max.ToString("0.##e+0", CultureInfo.InvariantCulture)}");
        }
        grid.SetColourBar(ColourMap.Heat, "|∂L/∂x| (max over channels), each map scaled by its own max:", "0", "max");
        grid.AddLegend("L: the cross-entropy of the image's label; max: the map's largest |∂L/∂x|, in loss per unit of pixel value");
        return grid;
    }
}
