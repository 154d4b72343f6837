using FastRobust.Util;

namespace FastRobust.Data;

/// <summary>
/// Image sets exchanged as .npy pairs on the command line: images float32 [N, C, H, W] in [0, 1] (or uint8
/// [N, H, W, C], the layout of NumPy/PIL image stacks, converted to float NCHW / 255) and labels int64 or int32 [N].
/// </summary>
public static class NpyDataset
{
    /// <summary>Images as float32 NCHW in [0, 1]; the returned shape is [N, C, H, W].</summary>
    public static (float[] Images, int[] Shape) ReadImages(string path)
    {
        string descr = Npy.ReadHeader(path).Descr;
        // '>f4' goes to the float reader, which explains byte order
        var result = descr.EndsWith("u1", StringComparison.Ordinal) ? ReadUInt8Images(path)
            : descr.EndsWith("f4", StringComparison.Ordinal) ? ReadFloatImages(path)
            : throw new InputException($"{path}: unsupported dtype '{descr}' for images (expected float32 [N, C, H, W] or uint8 [N, H, W, C])");
        if (result.Item2[0] == 0)
            throw new InputException($"{path}: holds no images (shape {Npy.ShapeString(result.Item2)}): there is nothing to evaluate");
        if (result.Item2.Skip(1).Any(d => d == 0))
            throw new InputException($"{path}: image shape {Npy.ShapeString(result.Item2)} has an empty dimension");
        return result;
    }

    public static Dataset Read(string imagesPath, string labelsPath, int? classes = null, string? name = null)
    {
        var (images, shape) = ReadImages(imagesPath);
        int[] labels = Npy.ReadLabels(labelsPath);
        if (labels.Length != shape[0])
            throw new InputException($"{labelsPath}: {labels.Length} labels, but {imagesPath} holds {shape[0]} images");
        int k = classes ?? (labels.Length == 0 ? 1 : labels.Max() + 1);
        for (int i = 0; i < labels.Length; i++)
            if (labels[i] >= k) throw new InputException($"{labelsPath}: label {labels[i]} at index {i} is not below the {k} classes");
        return new Dataset(name ?? Path.GetFileNameWithoutExtension(imagesPath), images, labels, shape[1], shape[2], shape[3], k);
    }

    /// <summary>Images as float32 [N, C, H, W] and labels as int64 [N].</summary>
    public static void Write(Dataset data, string imagesPath, string labelsPath)
    {
        Npy.WriteFloat32(imagesPath, data.Images, [data.N, data.C, data.H, data.W]);
        Npy.WriteLabels(labelsPath, data.Labels);
    }

    private static (float[], int[]) ReadFloatImages(string path)
    {
        var (data, shape) = Npy.ReadFloat32(path);
        if (shape.Length != 4)
            throw new InputException($"{path}: float32 images must have shape [N, C, H, W], not {Npy.ShapeString(shape)}");
        for (int i = 0; i < data.Length; i++)
        {
            float v = data[i];
            // written so that NaN fails too
            if (!(v >= 0f && v <= 1f))
                throw new InputException($"{path}: value {v} at index {i} is outside [0, 1] (images must be pixels in [0, 1], not normalised or 0-255)");
        }
        return (data, shape);
    }

    private static (float[], int[]) ReadUInt8Images(string path)
    {
        var (bytes, shape) = Npy.ReadUInt8(path);
        if (shape.Length != 4)
            throw new InputException($"{path}: uint8 images must have shape [N, H, W, C], not {Npy.ShapeString(shape)}");
        int h = shape[1], c = shape[3];
        // a channels-first uint8 stack would be silently scrambled by the transpose below
        if ((h == 1 || h == 3) && c > 4)
            throw new InputException($"{path}: uint8 images must be [N, H, W, C]; shape {Npy.ShapeString(shape)} looks like [N, C, H, W]");
        return FromPixelBytes(bytes, shape);
    }

    /// <summary>uint8 images [N, H, W, C] as float32 [N, C, H, W] in [0, 1] (b / 255); returns the NCHW shape.</summary>
    internal static (float[], int[]) FromPixelBytes(byte[] bytes, int[] shape)
    {
        int n = shape[0], h = shape[1], w = shape[2], c = shape[3];
        int image = h * w * c;
        var images = new float[bytes.Length];
        Parallel.For(0, n, img =>
        {
            var src = bytes.AsSpan(img * image, image);
            var dst = images.AsSpan(img * image, image);
            for (int y = 0; y < h; y++)
                for (int x = 0; x < w; x++)
                    for (int ch = 0; ch < c; ch++)
                        dst[(ch * h + y) * w + x] = PixelBytes.ToFloat(src[(y * w + x) * c + ch]);
        });
        return (images, [n, c, h, w]);
    }
}
