using FastRobust.Data;
using Xunit;

namespace FastRobust.Tests.DataTests;

public class NpyDatasetTests
{
    [Fact]
    public void ReadsFloatNchwImagesWithInt64Labels()
    {
        using var dir = new TempDir();
        var images = Enumerable.Range(0, 2 * 3 * 2 * 2).Select(i => i / 23f).ToArray();
        Npy.WriteFloat32(dir.File("x.npy"), images, [2, 3, 2, 2]);
        Npy.WriteLabels(dir.File("y.npy"), [4, 1]);

        var d = NpyDataset.Read(dir.File("x.npy"), dir.File("y.npy"), classes: 10);

        Assert.Equal((2, 3, 2, 2, 10), (d.N, d.C, d.H, d.W, d.Classes));
        Assert.Equal(images, d.Images);
        Assert.Equal([4, 1], d.Labels);
    }

    [Fact]
    public void ConvertsUInt8NhwcToFloatNchw()
    {
        using var dir = new TempDir();
        // 2 images, 2×3 pixels, 3 channels: value = 100·n + 10·(y·3 + x) + c
        int n = 2, h = 2, w = 3, c = 3;
        var bytes = new byte[n * h * w * c];
        for (int i = 0; i < n; i++)
            for (int y = 0; y < h; y++)
                for (int x = 0; x < w; x++)
                    for (int ch = 0; ch < c; ch++)
                        bytes[((i * h + y) * w + x) * c + ch] = (byte)(100 * i + 10 * (y * w + x) + ch);
        Npy.WriteUInt8(dir.File("x.npy"), bytes, [n, h, w, c]);
        Npy.WriteInt32(dir.File("y.npy"), [0, 2], [2]);

        var d = NpyDataset.Read(dir.File("x.npy"), dir.File("y.npy"));

        Assert.Equal((2, 3, 2, 3, 3), (d.N, d.C, d.H, d.W, d.Classes));
        for (int i = 0; i < n; i++)
            for (int ch = 0; ch < c; ch++)
                for (int y = 0; y < h; y++)
                    for (int x = 0; x < w; x++)
                        Assert.Equal((100 * i + 10 * (y * w + x) + ch) / 255f, d.Images[((i * c + ch) * h + y) * w + x]);
    }

    [Fact]
    public void RoundTripsADataset()
    {
        using var dir = new TempDir();
        var d = new Dataset("d", Enumerable.Range(0, 12).Select(i => i / 11f).ToArray(), [1, 0, 2], 1, 2, 2, 3);
        NpyDataset.Write(d, dir.File("x.npy"), dir.File("y.npy"));
        var back = NpyDataset.Read(dir.File("x.npy"), dir.File("y.npy"), classes: 3);
        Assert.Equal(d.Images, back.Images);
        Assert.Equal(d.Labels, back.Labels);
        Assert.Equal((1, 2, 2), (back.C, back.H, back.W));
    }

    [Fact]
    public void RejectsPixelsOutsideZeroToOne()
    {
        using var dir = new TempDir();
        Npy.WriteFloat32(dir.File("x255.npy"), [0f, 255f, 3f, 1f], [1, 1, 2, 2]);
        DataAssert.FailsNaming("x255.npy", "outside [0, 1]", () => NpyDataset.ReadImages(dir.File("x255.npy")));
        Npy.WriteFloat32(dir.File("xnan.npy"), [0f, float.NaN, 0f, 1f], [1, 1, 2, 2]);
        DataAssert.FailsNaming("xnan.npy", "outside [0, 1]", () => NpyDataset.ReadImages(dir.File("xnan.npy")));
    }

    [Fact]
    public void RejectsWrongRanksAndLayouts()
    {
        using var dir = new TempDir();
        Npy.WriteFloat32(dir.File("flat.npy"), new float[12], [3, 4]);
        DataAssert.FailsNaming("flat.npy", "[N, C, H, W]", () => NpyDataset.ReadImages(dir.File("flat.npy")));
        Npy.WriteUInt8(dir.File("nchw.npy"), new byte[2 * 3 * 32 * 32], [2, 3, 32, 32]);
        DataAssert.FailsNaming("nchw.npy", "looks like [N, C, H, W]", () => NpyDataset.ReadImages(dir.File("nchw.npy")));
    }

    [Fact]
    public void RejectsOtherImageDtypes()
    {
        using var dir = new TempDir();
        Npy.WriteInt64(dir.File("x64.npy"), new long[4], [1, 1, 2, 2]);
        DataAssert.FailsNaming("x64.npy", "float32 [N, C, H, W] or uint8", () => NpyDataset.ReadImages(dir.File("x64.npy")));
    }

    [Fact]
    public void RejectsLabelsThatDoNotMatchTheImages()
    {
        using var dir = new TempDir();
        Npy.WriteFloat32(dir.File("x.npy"), new float[8], [2, 1, 2, 2]);
        Npy.WriteLabels(dir.File("y3.npy"), [0, 1, 2]);
        DataAssert.FailsNaming("y3.npy", "3 labels", () => NpyDataset.Read(dir.File("x.npy"), dir.File("y3.npy")));
        Npy.WriteLabels(dir.File("y10.npy"), [0, 10]);
        DataAssert.FailsNaming("y10.npy", "label 10", () => NpyDataset.Read(dir.File("x.npy"), dir.File("y10.npy"), classes: 10));
    }
}
