using System.Globalization;
using System.Text;
using FastRobust.Util;
using SkiaSharp;

namespace FastRobust.Data;

/// <summary>
/// A split of an image folder (<see cref="FolderSpec"/>, <see cref="FolderLayout"/>) as a <see cref="Dataset"/>:
/// PNG and JPEG decoded with SkiaSharp, alpha dropped (as PIL's convert("RGB")), one channel when every image is
/// greyscale and three otherwise, resized with a bilinear filter over mipmaps (so shrinking is antialiased) when a
/// size is given, and values b / 255. The decoded split is cached as uint8 .npy files in PATH/.fastrobust-cache/,
/// keyed by the options and every file's name, length and modification time, so a zoo decodes once and an edited
/// folder is decoded again.
/// </summary>
public static class FolderDataset
{
    public const string CacheFolder = ".fastrobust-cache";

    public static Dataset Load(FolderSpec spec, string split)
    {
        var layout = FolderLayout.Scan(spec, split);
        string name = $"folder-{Path.GetFileName(spec.Root.TrimEnd('/'))}-{split}";
        string key = CacheKey(spec, split, layout);
        string cache = Path.Combine(spec.Root, CacheFolder);
        string imagesPath = Path.Combine(cache, $"{split}-{key}-images.npy"), labelsPath = Path.Combine(cache, $"{split}-{key}-labels.npy");
        if (File.Exists(imagesPath) && File.Exists(labelsPath))
            return NpyDataset.Read(imagesPath, labelsPath, layout.Classes.Count, name);
        var (pixels, shape) = Decode(spec, layout);
        var labels = layout.Files.Select(f => f.Label).ToArray();
        try
        {
            Npy.WriteUInt8(imagesPath, pixels, shape);
            Npy.WriteLabels(labelsPath, labels);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or InputException)
        {
            // a read-only folder still loads, only decoding again next time
        }
        var (images, nchw) = NpyDataset.FromPixelBytes(pixels, shape);
        return new Dataset(name, images, labels, nchw[1], nchw[2], nchw[3], layout.Classes.Count);
    }

    /// <summary>Every image as uint8 [N, H, W, C] (the layout of the cache file).</summary>
    private static (byte[] Pixels, int[] Shape) Decode(FolderSpec spec, FolderLayout layout)
    {
        int n = layout.Files.Count;
        var bitmaps = new SKBitmap[n];
        var grey = new bool[n];
        try
        {
            Parallel.For(0, n, new ParallelOptions { MaxDegreeOfParallelism = HostThreads.Count }, i =>
            {
                string file = layout.Files[i].File;
                using var codec = SKCodec.Create(file)
                    ?? throw new InputException($"{file}: not a readable PNG or JPEG image (the file is damaged or of another format)");
                grey[i] = codec.Info.ColorType == SKColorType.Gray8;
                var info = new SKImageInfo(codec.Info.Width, codec.Info.Height, SKColorType.Rgba8888, SKAlphaType.Unpremul);
                var bmp = new SKBitmap(info);
                var result = codec.GetPixels(info, bmp.GetPixels());
                if (result != SKCodecResult.Success)
                {
                    bmp.Dispose();
                    throw new InputException($"{file}: cannot decode the image ({result})");
                }
                if (spec.Height is { } h && (bmp.Height != h || bmp.Width != spec.Width))
                {
                    var resized = bmp.Resize(new SKImageInfo(spec.Width!.Value, h, SKColorType.Rgba8888, SKAlphaType.Unpremul),
                        new SKSamplingOptions(SKFilterMode.Linear, SKMipmapMode.Linear));
                    bmp.Dispose();
                    bmp = resized;
                }
                bitmaps[i] = bmp;
            });
            int height = bitmaps[0].Height, width = bitmaps[0].Width;
            for (int i = 0; i < n; i++)
                if (bitmaps[i].Height != height || bitmaps[i].Width != width)
                    throw new InputException($"{layout.Files[i].File}: {bitmaps[i].Width}×{bitmaps[i].Height} pixels, but " +
                        $"{layout.Files[0].File} is {width}×{height}; give a common size with size=HxW (folder:PATH,size=64)");
            int channels = grey.All(g => g) ? 1 : 3;
            var pixels = new byte[(long)n * height * width * channels];
            Parallel.For(0, n, i =>
            {
                var rgba = bitmaps[i].GetPixelSpan();
                var dst = pixels.AsSpan(i * height * width * channels, height * width * channels);
                for (int p = 0; p < height * width; p++)
                    for (int ch = 0; ch < channels; ch++)
                        dst[p * channels + ch] = rgba[p * 4 + ch];
            });
            return (pixels, [n, height, width, channels]);
        }
        catch (AggregateException e) when (e.InnerExceptions.FirstOrDefault(x => x is InputException) is { } first)
        {
            throw first;
        }
        finally
        {
            foreach (var b in bitmaps) b?.Dispose();
        }
    }

    private static string CacheKey(FolderSpec spec, string split, FolderLayout layout)
    {
        var text = new StringBuilder();
        text.Append(spec.Height).Append('x').Append(spec.Width).Append('|').Append(split).Append('|')
            .Append(spec.Holdout.ToString(CultureInfo.InvariantCulture)).Append('|').AppendJoin('+', layout.Classes).Append('\n');
        foreach (var (file, label) in layout.Files)
        {
            var info = new FileInfo(file);
            text.Append(Path.GetRelativePath(spec.Root, file)).Append('|').Append(label).Append('|')
                .Append(info.Length).Append('|').Append(info.LastWriteTimeUtc.Ticks).Append('\n');
        }
        return StableHash.Of(text.ToString()).ToString("x16");
    }
}
