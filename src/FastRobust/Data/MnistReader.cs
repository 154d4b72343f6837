using FastRobust.Util;

namespace FastRobust.Data;

/// <summary>
/// MNIST from its idx files (train-images-idx3-ubyte, train-labels-idx1-ubyte, t10k-…), gzipped or not:
/// images [N, 1, 28, 28] scaled to [0, 1] by / 255, labels 0..9.
/// </summary>
public static class MnistReader
{
    public const int ImagesMagic = 2051, LabelsMagic = 2049, Classes = 10;

    /// <summary>The base file names (images, labels) of a split ("train" or "test").</summary>
    public static (string Images, string Labels) SplitFiles(string split) => split switch
    {
        "train" => ("train-images-idx3-ubyte", "train-labels-idx1-ubyte"),
        "test" => ("t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte"),
        _ => throw new InputException($"unknown split '{split}': expected train or test"),
    };

    /// <summary>The file in <paramref name="directory"/> called <paramref name="baseName"/> or baseName.gz (uncompressed preferred: faster).</summary>
    public static string? FindFile(string directory, string baseName)
    {
        string plain = Path.Combine(directory, baseName), gz = plain + ".gz";
        return File.Exists(plain) ? plain : File.Exists(gz) ? gz : null;
    }

    /// <summary>Reads a split from a folder holding the idx files.</summary>
    public static Dataset ReadSplit(string directory, string split)
    {
        var (images, labels) = SplitFiles(split);
        return Read(FindFile(directory, images) ?? Path.Combine(directory, images),
            FindFile(directory, labels) ?? Path.Combine(directory, labels), $"mnist-{split}");
    }

    public static Dataset Read(string imagesPath, string labelsPath, string name)
    {
        var (imageDims, pixels) = IdxFile.ReadUBytes(imagesPath, ImagesMagic, "images");
        var (labelDims, labelBytes) = IdxFile.ReadUBytes(labelsPath, LabelsMagic, "labels");
        if (imageDims[0] != labelDims[0])
            throw new InputException($"{labelsPath}: {labelDims[0]} labels, but {imagesPath} holds {imageDims[0]} images");
        var labels = new int[labelBytes.Length];
        for (int i = 0; i < labels.Length; i++)
        {
            labels[i] = labelBytes[i];
            if (labels[i] >= Classes)
                throw new InputException($"{labelsPath}: label {labels[i]} at index {i} is outside 0..{Classes - 1}");
        }
        var images = new float[pixels.Length];
        PixelBytes.ToFloats(pixels, images);
        return new Dataset(name, images, labels, 1, imageDims[1], imageDims[2], Classes);
    }
}
