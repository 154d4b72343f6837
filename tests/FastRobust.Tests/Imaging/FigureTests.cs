using FastRobust.Imaging;
using SkiaSharp;
using Xunit;

namespace FastRobust.Tests.Imaging;

public class FigureTests
{
    [Fact]
    public void LabelledGrid_PutsEachTileWhereItBelongsWithItsPixelsEnlarged()
    {
        // 2 × 2 grid of 3×2 images, zoom 5: tile (r, c) is one flat colour so its position can be found
        var grid = new LabelledGrid(2, 2, tileH: 3, tileW: 2, zoom: 5) { Title = "known colours" };
        var colours = new[,] { { (1f, 0f, 0f), (0f, 1f, 0f) }, { (0f, 0f, 1f), (1f, 1f, 0f) } };
        for (int r = 0; r < 2; r++)
        for (int c = 0; c < 2; c++)
        {
            var (red, green, blue) = colours[r, c];
            var chw = new float[3 * 6];
            Array.Fill(chw, red, 0, 6);
            Array.Fill(chw, green, 6, 6);
            Array.Fill(chw, blue, 12, 6);
            grid.Draw(r, c, chw, 3, 3, 2);
            grid.SetCaption(r, c, $"tile {r},{c}");
        }
        grid.SetColumnHeader(0, "left");
        grid.SetRowHeader(1, "second row");
        using var bmp = SKBitmap.Decode(grid.PngBytes());
        Assert.NotNull(bmp);

        var found = new Dictionary<SKColor, (int MinX, int MinY, int MaxX, int MaxY)>();
        var wanted = new[] { new SKColor(255, 0, 0), new SKColor(0, 255, 0), new SKColor(0, 0, 255), new SKColor(255, 255, 0) };
        for (int y = 0; y < bmp.Height; y++)
        for (int x = 0; x < bmp.Width; x++)
        {
            var p = bmp.GetPixel(x, y);
            if (!wanted.Contains(p)) continue;
            found[p] = found.TryGetValue(p, out var b)
                ? (Math.Min(b.MinX, x), Math.Min(b.MinY, y), Math.Max(b.MaxX, x), Math.Max(b.MaxY, y))
                : (x, y, x, y);
        }
        foreach (var colour in wanted)
        {
            var b = found[colour];
            Assert.Equal(10, b.MaxX - b.MinX + 1);  // 2 pixels × zoom 5
            Assert.Equal(15, b.MaxY - b.MinY + 1);  // 3 pixels × zoom 5
        }
        // red above blue, red left of green
        Assert.True(found[wanted[0]].MaxY < found[wanted[2]].MinY);
        Assert.True(found[wanted[0]].MaxX < found[wanted[1]].MinX);
        // the row header is drawn left of the tiles: dark text pixels exist there
        int darkLeft = 0;
        for (int y = found[wanted[2]].MinY; y <= found[wanted[2]].MaxY; y++)
        for (int x = 0; x < found[wanted[2]].MinX - 2; x++)
            if (bmp.GetPixel(x, y).Red < 100) darkLeft++;
        Assert.True(darkLeft > 20, $"row header text missing ({darkLeft} dark pixels)");
    }

    [Fact]
    public void Figure_SavesADecodablePngOfTheAskedSize()
    {
        string dir = Directory.CreateTempSubdirectory("fr-figure").FullName;
        try
        {
            var plot = Figure.Create("accuracy vs ε", "ε (/255)", "accuracy (%)");
            plot.Add.Scatter(new double[] { 0, 2, 8 }, new double[] { 90, 60, 10 }).LegendText = "model";
            plot.ShowLegend();
            string path = Path.Combine(dir, "fig.png");
            Figure.SavePng(plot, path, 640, 480);
            using var bmp = SKBitmap.Decode(path);
            Assert.Equal((640, 480), (bmp.Width, bmp.Height));
            Assert.Single(Directory.GetFiles(dir));  // no temporary sibling left
        }
        finally { Directory.Delete(dir, true); }
    }
}
