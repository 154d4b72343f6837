using FastRobust.Data;
using FastRobust.Util;
using Xunit;

namespace FastRobust.Tests.DataTests;

/// <summary>
/// The real data sets. MNIST is bundled in data/mnist/, so it is always checked; CIFAR-10 is checked only when
/// the locator finds it (FASTROBUST_DATA in CI, or data/fetch-cifar10.sh run locally) and reported as skipped elsewhere.
/// </summary>
public class RealDataTests
{
    [Fact]
    public void MnistTestSet()
    {
        var d = DataLocator.Load("mnist", "test");
        Assert.Equal((10000, 1, 28, 28, 10), (d.N, d.C, d.H, d.W, d.Classes));
        Assert.Equal(7, d.Labels[0]);
        Assert.Equal([7, 2, 1, 0, 4], d.Labels[..5]);
        Assert.All(d.Images, v => Assert.InRange(v, 0f, 1f));
        Assert.Equal(1f, d.Images.Max());
    }

    [Fact]
    public void MnistTrainingSet()
    {
        var d = DataLocator.Load("mnist", "train");
        Assert.Equal((60000, 1, 28, 28), (d.N, d.C, d.H, d.W));
        Assert.Equal([5, 0, 4, 1, 9], d.Labels[..5]);
        Assert.Equal(10, d.Labels.Distinct().Count());
    }

    [SkippableFact]
    public void Cifar10WhenPresent()
    {
        DataSource train, test;
        try
        {
            train = DataLocator.Find("cifar10", "train");
            test = DataLocator.Find("cifar10", "test");
        }
        catch (InputException e)
        {
            throw new SkipException($"CIFAR-10 is not on this machine: {e.Message}");
        }
        Assert.Equal(5, train.Files.Count);
        Assert.All(train.Files, f => Assert.Equal(10000L * 3073, new FileInfo(f).Length));
        var d = test.Load();
        Assert.Equal((10000, 3, 32, 32, 10), (d.N, d.C, d.H, d.W, d.Classes));
        // the test set holds 1,000 images of each class
        Assert.All(d.Labels.GroupBy(l => l), g => Assert.Equal(1000, g.Count()));
        Assert.All(d.Images, v => Assert.InRange(v, 0f, 1f));
    }
}
