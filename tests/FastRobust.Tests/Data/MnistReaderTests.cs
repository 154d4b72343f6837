using FastRobust.Data;
using Xunit;

namespace FastRobust.Tests.DataTests;

public class MnistReaderTests
{
    private static readonly int[] Labels = [7, 2, 1];

    /// <summary>Writes a 3-image, 4×5 idx pair, gzipped or not, and returns (images, labels) paths.</summary>
    private static (string, string) WritePair(TempDir dir, bool gz, byte[]? images = null, byte[]? labels = null)
    {
        images ??= Fixtures.IdxImages(3, 4, 5);
        labels ??= Fixtures.IdxLabels(Labels);
        string ext = gz ? ".gz" : "";
        string ip = dir.File("t10k-images-idx3-ubyte" + ext), lp = dir.File("t10k-labels-idx1-ubyte" + ext);
        File.WriteAllBytes(ip, gz ? Fixtures.Gzip(images) : images);
        File.WriteAllBytes(lp, gz ? Fixtures.Gzip(labels) : labels);
        return (ip, lp);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void ReadsImagesAndLabels(bool gz)
    {
        using var dir = new TempDir();
        var (ip, lp) = WritePair(dir, gz);

        var d = MnistReader.Read(ip, lp, "m");

        Assert.Equal((3, 1, 4, 5, 10), (d.N, d.C, d.H, d.W, d.Classes));
        Assert.Equal(Labels, d.Labels);
        for (int n = 0; n < 3; n++)
            for (int i = 0; i < 20; i++)
                Assert.Equal(Fixtures.IdxPixel(n, i) / 255f, d.Images[n * 20 + i]);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void ReadSplitFindsPlainOrGzippedFiles(bool gz)
    {
        using var dir = new TempDir();
        WritePair(dir, gz);
        var d = MnistReader.ReadSplit(dir.Path, "test");
        Assert.Equal("mnist-test", d.Name);
        Assert.Equal(Labels, d.Labels);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void RejectsABadMagicNumber(bool gz)
    {
        using var dir = new TempDir();
        var (ip, lp) = WritePair(dir, gz, images: Fixtures.IdxImages(3, 4, 5, magic: 2049));
        DataAssert.FailsNaming(ip, "magic number 2049", () => MnistReader.Read(ip, lp, "m"));
    }

    [Fact]
    public void RejectsSwappedFiles()
    {
        using var dir = new TempDir();
        var (ip, lp) = WritePair(dir, false);
        DataAssert.FailsNaming(lp, "expected 2051", () => MnistReader.Read(lp, ip, "m"));
    }

    [Fact]
    public void RejectsCountsThatDisagree()
    {
        using var dir = new TempDir();
        var (ip, lp) = WritePair(dir, true, labels: Fixtures.IdxLabels([7, 2]));
        var e = DataAssert.FailsNaming(lp, "2 labels", () => MnistReader.Read(ip, lp, "m"));
        Assert.Contains("3 images", e.Message);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void RejectsTruncatedData(bool gz)
    {
        using var dir = new TempDir();
        var (ip, lp) = WritePair(dir, gz, images: Fixtures.IdxImages(3, 4, 5)[..50]);
        DataAssert.FailsNaming(ip, "truncated", () => MnistReader.Read(ip, lp, "m"));
    }

    [Fact]
    public void RejectsACutGzipStream()
    {
        using var dir = new TempDir();
        var (ip, lp) = WritePair(dir, true);
        byte[] gz = File.ReadAllBytes(ip);
        File.WriteAllBytes(ip, gz[..(gz.Length / 2)]);
        DataAssert.FailsNaming(ip, "", () => MnistReader.Read(ip, lp, "m"));
    }

    [Fact]
    public void RejectsATruncatedHeader()
    {
        using var dir = new TempDir();
        var (ip, lp) = WritePair(dir, false, labels: Fixtures.IdxLabels(Labels)[..6]);
        DataAssert.FailsNaming(lp, "truncated", () => MnistReader.Read(ip, lp, "m"));
    }

    [Fact]
    public void RejectsTrailingData()
    {
        using var dir = new TempDir();
        var (ip, lp) = WritePair(dir, false, labels: [.. Fixtures.IdxLabels(Labels), 0]);
        DataAssert.FailsNaming(lp, "more data", () => MnistReader.Read(ip, lp, "m"));
    }

    [Fact]
    public void RejectsALabelAboveNine()
    {
        using var dir = new TempDir();
        var (ip, lp) = WritePair(dir, false, labels: Fixtures.IdxLabels([7, 12, 1]));
        DataAssert.FailsNaming(lp, "label 12", () => MnistReader.Read(ip, lp, "m"));
    }

    [Fact]
    public void RejectsAMissingFile()
    {
        using var dir = new TempDir();
        var (ip, _) = WritePair(dir, false);
        string lp = Path.Combine(dir.Path, "nope-labels");
        DataAssert.FailsNaming(lp, "not found", () => MnistReader.Read(ip, lp, "m"));
    }
}
