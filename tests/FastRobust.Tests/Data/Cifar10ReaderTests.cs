using FastRobust.Data;
using Xunit;

namespace FastRobust.Tests.DataTests;

public class Cifar10ReaderTests
{
    [Fact]
    public void ReadsRecordsAsChwScaledPixels()
    {
        using var dir = new TempDir();
        string path = dir.File("test_batch.bin");
        File.WriteAllBytes(path, Fixtures.CifarBatch(0, 9, 5));

        var d = Cifar10Reader.Read([path], "t");

        Assert.Equal((3, 3, 32, 32, 10), (d.N, d.C, d.H, d.W, d.Classes));
        Assert.Equal([0, 9, 5], d.Labels);
        for (int r = 0; r < 3; r++)
            for (int i = 0; i < 3072; i++)
                Assert.Equal(Fixtures.CifarPixel(r, i) / 255f, d.Images[r * 3072 + i]);
        // the green plane follows the red one: channel 1, row 2, column 3 is byte 1024 + 2·32 + 3 of the image
        Assert.Equal(Fixtures.CifarPixel(1, 1024 + 67) / 255f, d.Images[3072 + (1 * 32 + 2) * 32 + 3]);
    }

    [Fact]
    public void ConcatenatesTrainBatchesInOrder()
    {
        using var dir = new TempDir();
        for (int b = 1; b <= 5; b++) File.WriteAllBytes(dir.File($"data_batch_{b}.bin"), Fixtures.CifarBatch(b, b + 1));

        var d = Cifar10Reader.ReadSplit(dir.Path, "train");

        Assert.Equal("cifar10-train", d.Name);
        Assert.Equal([1, 2, 2, 3, 3, 4, 4, 5, 5, 6], d.Labels);
    }

    [Fact]
    public void RejectsASizeThatIsNotWholeRecords()
    {
        using var dir = new TempDir();
        string path = dir.File("test_batch.bin");
        File.WriteAllBytes(path, Fixtures.CifarBatch(1, 2)[..5000]);
        DataAssert.FailsNaming(path, "3073", () => Cifar10Reader.Read([path], "t"));
    }

    [Fact]
    public void RejectsAnEmptyFile()
    {
        using var dir = new TempDir();
        string path = dir.File("test_batch.bin");
        File.WriteAllBytes(path, []);
        DataAssert.FailsNaming(path, "0 bytes", () => Cifar10Reader.Read([path], "t"));
    }

    [Fact]
    public void RejectsALabelOutsideTheTenClasses()
    {
        using var dir = new TempDir();
        string path = dir.File("data_batch_3.bin");
        File.WriteAllBytes(path, Fixtures.CifarBatch(1, 10, 2));
        DataAssert.FailsNaming(path, "label 10", () => Cifar10Reader.Read([path], "t"));
    }

    [Fact]
    public void RejectsAMissingBatch()
    {
        using var dir = new TempDir();
        for (int b = 1; b <= 4; b++) File.WriteAllBytes(dir.File($"data_batch_{b}.bin"), Fixtures.CifarBatch(1));
        DataAssert.FailsNaming("data_batch_5.bin", "not found", () => Cifar10Reader.ReadSplit(dir.Path, "train"));
    }
}
