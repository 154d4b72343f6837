using FastRobust.Data;
using FastRobust.Util;
using Xunit;

namespace FastRobust.Tests.DataTests;

public class DataLocatorTests
{
    private static void WriteCifarTest(TempDir dir, string layout, params int[] labels) =>
        File.WriteAllBytes(dir.File(Path.Combine(layout, "test_batch.bin")), Fixtures.CifarBatch(labels));

    [Theory]
    [InlineData("cifar10-jpeg75/cifar-10-batches-bin")]
    [InlineData("cifar-10-batches-bin")]
    [InlineData("cifar10/cifar-10-batches-bin")]
    [InlineData("cifar10")]
    public void FindsCifarInEveryLayout(string layout)
    {
        using var root = new TempDir();
        WriteCifarTest(root, layout, 3, 1);
        var src = DataLocator.Find("cifar10", "test", [root.Path]);
        Assert.Equal(Path.GetFullPath(Path.Combine(root.Path, layout)), src.Directory);
        var d = src.Load();
        Assert.Equal("cifar10-test", d.Name);
        Assert.Equal([3, 1], d.Labels);
    }

    [Fact]
    public void TakesTheFirstLayoutAndTheFirstRoot()
    {
        using var a = new TempDir();
        using var b = new TempDir();
        // under one root the original download wins over the JPEG-75 copy; the first root that has one wins
        WriteCifarTest(a, "cifar10", 1);
        WriteCifarTest(a, "cifar10-jpeg75/cifar-10-batches-bin", 2);
        WriteCifarTest(b, "cifar-10-batches-bin", 3);
        Assert.Equal([1], DataLocator.Find("CIFAR-10", "test", [a.Path, b.Path]).Load().Labels);
        Assert.Equal([3], DataLocator.Find("cifar10", "test", [b.Path, a.Path]).Load().Labels);
        using var c = new TempDir();
        WriteCifarTest(c, "cifar10-jpeg75/cifar-10-batches-bin", 4);
        Assert.Equal([4], DataLocator.Find("cifar10", "test", [c.Path, b.Path]).Load().Labels);
    }

    [Fact]
    public void CifarNotFoundListsEveryPlaceAndTheWayOut()
    {
        using var root = new TempDir();
        WriteCifarTest(root, "cifar-10-batches-bin", 1);
        string missing = Path.Combine(root.Path, "no-such-root");
        var e = Assert.Throws<InputException>(() => DataLocator.Find("cifar10", "train", [missing, root.Path]));
        Assert.Contains(missing, e.Message);
        foreach (string layout in DataLocator.CifarLayouts)
            Assert.Contains(Path.GetFullPath(Path.Combine(root.Path, layout)), e.Message);
        Assert.Contains("data_batch_1.bin", e.Message);
        Assert.Contains("data/fetch-cifar10.sh", e.Message);
        Assert.Contains("FASTROBUST_DATA", e.Message);
        Assert.DoesNotContain("\n", e.Message);
    }

    [Theory]
    [InlineData("mnist", false)]
    [InlineData("mnist", true)]
    [InlineData(".", true)]
    public void FindsMnistInTheSubfolderOrTheRoot(string layout, bool gz)
    {
        using var root = new TempDir();
        string ext = gz ? ".gz" : "";
        byte[] images = Fixtures.IdxImages(2, 3, 3), labels = Fixtures.IdxLabels([4, 2]);
        File.WriteAllBytes(root.File(Path.Combine(layout, "train-images-idx3-ubyte" + ext)), gz ? Fixtures.Gzip(images) : images);
        File.WriteAllBytes(root.File(Path.Combine(layout, "train-labels-idx1-ubyte" + ext)), gz ? Fixtures.Gzip(labels) : labels);
        var d = DataLocator.Find("mnist", "train", [root.Path]).Load();
        Assert.Equal("mnist-train", d.Name);
        Assert.Equal([4, 2], d.Labels);
        var e = Assert.Throws<InputException>(() => DataLocator.Find("mnist", "test", [root.Path]));
        Assert.Contains("t10k-images-idx3-ubyte", e.Message);
    }

    [Fact]
    public void RejectsUnknownNamesAndSplits()
    {
        Assert.Contains("imagenet", Assert.Throws<InputException>(() => DataLocator.Find("imagenet", "test", [])).Message);
        Assert.Contains("valid", Assert.Throws<InputException>(() => DataLocator.Find("mnist", "valid", [])).Message);
    }

    [Fact]
    public void RootsAreTheEnvironmentFolderThenTheRepositoryData()
    {
        using var repo = new TempDir();
        File.WriteAllText(repo.File("FastRobust.sln"), "");
        string nested = repo.File("src/bin/Debug/x.dll");
        string nestedDir = Path.GetDirectoryName(nested)!;

        Assert.Equal(repo.Path, DataLocator.RepositoryRoot(nestedDir));
        var roots = DataLocator.Roots("/somewhere/data", [nestedDir, repo.Path]);
        Assert.Equal([Path.GetFullPath("/somewhere/data"), Path.Combine(repo.Path, "data")], roots);
        Assert.Equal([Path.Combine(repo.Path, "data")], DataLocator.Roots("", [nestedDir]));
    }

    [Fact]
    public void TheDefaultRootsIncludeThisRepositorysDataFolder()
    {
        string? repo = DataLocator.RepositoryRoot(AppContext.BaseDirectory);
        Assert.NotNull(repo);
        Assert.Contains(Path.Combine(repo, "data"), DataLocator.Roots());
    }
}
