using FastRobust.Data;
using Xunit;

namespace FastRobust.Tests.DataTests;

public class DatasetTests
{
    /// <summary>n images of [1, 2, 2] whose pixels are all i/(n+1) for image i, label i % classes.</summary>
    public static Dataset Numbered(int n, int c = 1, int h = 2, int w = 2, int classes = 3)
    {
        int size = c * h * w;
        var images = new float[n * size];
        for (int i = 0; i < n; i++) images.AsSpan(i * size, size).Fill(i / (n + 1f));
        return new Dataset("numbered", images, Enumerable.Range(0, n).Select(i => i % classes).ToArray(), c, h, w, classes);
    }

    [Fact]
    public void SubsetCopiesTheChosenImagesInOrder()
    {
        var d = Numbered(5);
        var s = d.Subset([4, 1, 1]);
        Assert.Equal(3, s.N);
        Assert.Equal([1, 1, 1], s.Labels);
        Assert.Equal(d.Image(4).ToArray(), s.Image(0).ToArray());
        Assert.Equal(d.Image(1).ToArray(), s.Image(2).ToArray());
        Assert.Throws<ArgumentOutOfRangeException>(() => d.Subset([5]));
    }

    [Fact]
    public void TakeKeepsThePrefix()
    {
        var d = Numbered(5);
        var t = d.Take(2);
        Assert.Equal(2, t.N);
        Assert.Equal(d.Images[..8], t.Images);
        Assert.Same(d, d.Take(100));
        Assert.Equal(0, d.Take(0).N);
    }

    [Fact]
    public void RejectsInconsistentArrays()
    {
        Assert.Throws<ArgumentException>(() => new Dataset("x", new float[7], [0, 1], 1, 2, 2, 2));
        Assert.Throws<ArgumentException>(() => new Dataset("x", new float[8], [0, 2], 1, 2, 2, 2));
    }
}
