using FastRobust.Data;
using FastRobust.Util;
using Xunit;

namespace FastRobust.Tests.DataTests;

public class DataSplitTests
{
    [Fact]
    public void SplitsIntoDisjointPartsOfTheRequestedSizes()
    {
        var (train, val) = DataSplit.Indices(1000, 150, seed: 7);
        Assert.Equal(850, train.Length);
        Assert.Equal(150, val.Length);
        Assert.Empty(train.Intersect(val));
        Assert.Equal(Enumerable.Range(0, 1000), train.Concat(val).Order());
        Assert.Equal(train.Order(), train);
    }

    [Fact]
    public void IsAFunctionOfTheSeed()
    {
        Assert.Equal(DataSplit.Indices(500, 50, 1).Validation, DataSplit.Indices(500, 50, 1).Validation);
        Assert.NotEqual(DataSplit.Indices(500, 50, 1).Validation, DataSplit.Indices(500, 50, 2).Validation);
    }

    [Fact]
    public void SplitsADatasetKeepingImagesWithTheirLabels()
    {
        var d = DatasetTests.Numbered(20);
        var (train, val) = DataSplit.Split(d, 5, seed: 3);
        Assert.Equal((15, 5), (train.N, val.N));
        var (ti, vi) = DataSplit.Indices(20, 5, 3);
        for (int i = 0; i < vi.Length; i++)
        {
            Assert.Equal(d.Labels[vi[i]], val.Labels[i]);
            Assert.Equal(d.Image(vi[i]).ToArray(), val.Image(i).ToArray());
        }
        Assert.Equal(ti.Select(i => d.Labels[i]), train.Labels);
    }

    [Fact]
    public void AcceptsTheEdgesAndRejectsImpossibleSizes()
    {
        Assert.Empty(DataSplit.Indices(10, 0, 1).Validation);
        Assert.Empty(DataSplit.Indices(10, 10, 1).Train);
        Assert.Throws<InputException>(() => DataSplit.Indices(10, 11, 1));
        Assert.Throws<InputException>(() => DataSplit.Split(DatasetTests.Numbered(3), -1, 1));
        Assert.Equal(5000, DataSplit.CountFor(50000, 0.1));
    }
}
