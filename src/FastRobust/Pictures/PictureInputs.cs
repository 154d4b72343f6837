using FastRobust.Nn;

namespace FastRobust.Pictures;

/// <summary>One model of a picture and the words its rows carry ("standard", "fgsm-rs L∞ ε 0.3").</summary>
public sealed record PictureModel(string Label, Model Model);

/// <summary>
/// The images a picture shows: NCHW in [0, 1], their labels, their indices in the split they came from (the column
/// headers, and the key of random targets) and the names of the classes.
/// </summary>
public sealed record PictureImages(float[] Images, int[] Labels, int[] Indices, int C, int H, int W, IReadOnlyList<string> ClassNames)
{
    public int N => Labels.Length;
    public int Size => C * H * W;
    public ReadOnlySpan<float> Image(int i) => Images.AsSpan(i * Size, Size);

    /// <summary>The enlargement that makes a tile about 112 pixels wide (4× for MNIST, 3× for CIFAR-10).</summary>
    public int Zoom => Math.Max(1, 112 / Math.Max(H, W));

    public string Label(int i) => ClassNames[Labels[i]];
}
