namespace FastRobust.Data;

/// <summary>
/// A labelled image set on the host: images NCHW float32 in [0, 1] (image i occupies
/// <c>Images[i·C·H·W .. (i+1)·C·H·W)</c>), one class label per image. The arrays are shared, not copied, so
/// treat them as read-only once the set is built.
/// </summary>
public sealed class Dataset
{
    public Dataset(string name, float[] images, int[] labels, int c, int h, int w, int classes)
    {
        if (c <= 0 || h <= 0 || w <= 0) throw new ArgumentException($"{name}: image shape [{c}, {h}, {w}] must be positive");
        if (classes <= 0) throw new ArgumentException($"{name}: {classes} classes");
        if (images.LongLength != (long)labels.Length * c * h * w)
            throw new ArgumentException($"{name}: {images.LongLength} image values for {labels.Length} images of [{c}, {h}, {w}]");
        for (int i = 0; i < labels.Length; i++)
            if ((uint)labels[i] >= (uint)classes)
                throw new ArgumentException($"{name}: label {labels[i]} of image {i} is outside [0, {classes})");
        Name = name;
        Images = images;
        Labels = labels;
        C = c;
        H = h;
        W = w;
        Classes = classes;
    }

    public string Name { get; }
    public float[] Images { get; }
    public int[] Labels { get; }
    public int N => Labels.Length;
    public int C { get; }
    public int H { get; }
    public int W { get; }
    public int Classes { get; }

    /// <summary>Values per image, C·H·W.</summary>
    public int ImageSize => C * H * W;

    public ReadOnlySpan<float> Image(int i) => Images.AsSpan(checked(i * ImageSize), ImageSize);

    /// <summary>A copy holding the images at <paramref name="indices"/>, in that order (repeats allowed).</summary>
    public Dataset Subset(int[] indices, string? name = null)
    {
        int size = ImageSize;
        var images = new float[(long)indices.Length * size];
        var labels = new int[indices.Length];
        for (int i = 0; i < indices.Length; i++)
        {
            int k = indices[i];
            if ((uint)k >= (uint)N) throw new ArgumentOutOfRangeException(nameof(indices), $"index {k} outside the {N} images of {Name}");
            Array.Copy(Images, (long)k * size, images, (long)i * size, size);
            labels[i] = Labels[k];
        }
        return new Dataset(name ?? Name, images, labels, C, H, W, Classes);
    }

    /// <summary>The first <paramref name="limit"/> images (all of them when the set is smaller).</summary>
    public Dataset Take(int limit)
    {
        if (limit < 0) throw new ArgumentOutOfRangeException(nameof(limit), "limit must not be negative");
        if (limit >= N) return this;
        return new Dataset(Name, Images.AsSpan(0, limit * ImageSize).ToArray(), Labels.AsSpan(0, limit).ToArray(), C, H, W, Classes);
    }

    public override string ToString() => $"{Name}: {N} images [{C}, {H}, {W}], {Classes} classes";
}
