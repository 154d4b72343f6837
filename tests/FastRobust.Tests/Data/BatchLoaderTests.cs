using FastRobust.Data;
using FastRobust.Tensors;
using Xunit;

namespace FastRobust.Tests.DataTests;

public class BatchLoaderTests
{
    /// <summary>Every pixel distinct, so any misplaced value shows.</summary>
    private static Dataset Distinct(int n, int c = 2, int h = 5, int w = 6)
    {
        int size = c * h * w;
        var images = Enumerable.Range(0, n * size).Select(i => (i + 1f) / (n * size + 1f)).ToArray();
        return new Dataset("distinct", images, Enumerable.Range(0, n).Select(i => i % 10).ToArray(), c, h, w, 10);
    }

    /// <summary>(indices, images, labels) of every batch of an epoch, read back to the host.</summary>
    private static List<(int[] Idx, float[] X, int[] Y, int[] Shape)> Collect(BatchLoader loader, int epoch)
    {
        var result = new List<(int[], float[], int[], int[])>();
        foreach (var b in loader.Epoch(epoch))
            using (b)
                result.Add((b.Indices.ToArray(), b.Images.ToArray(), b.Labels.ToArray(), b.Images.Shape));
        return result;
    }

    [Fact]
    public void InOrderBatchesCoverTheDataKeepingTheLastPartialOne()
    {
        var d = Distinct(10);
        var loader = new BatchLoader(d, 4, Device.Cpu);
        var batches = Collect(loader, 0);

        Assert.Equal(3, loader.BatchCount);
        Assert.Equal([4, 4, 2], batches.Select(b => b.Shape[0]));
        Assert.Equal([2, 2, 5, 6], batches[2].Shape);
        Assert.Equal(Enumerable.Range(0, 10), batches.SelectMany(b => b.Idx));
        Assert.Equal(d.Images, batches.SelectMany(b => b.X));
        Assert.Equal(d.Labels, batches.SelectMany(b => b.Y));
    }

    [Fact]
    public void DropLastSkipsThePartialBatch()
    {
        var loader = new BatchLoader(Distinct(10), 4, Device.Cpu, new BatchOptions { DropLast = true, Shuffle = true, Seed = 1 });
        Assert.Equal(2, loader.BatchCount);
        Assert.Equal(8, loader.ImagesPerEpoch);
        Assert.Equal([4, 4], Collect(loader, 0).Select(b => b.Shape[0]));
    }

    [Fact]
    public void ShuffledBatchesHoldTheImagesTheirIndicesName()
    {
        var d = Distinct(9);
        var batches = Collect(new BatchLoader(d, 4, Device.Cpu, new BatchOptions { Shuffle = true, Seed = 5 }), 0);
        var order = batches.SelectMany(b => b.Idx).ToArray();
        Assert.Equal(Enumerable.Range(0, 9), order.Order());
        Assert.NotEqual(Enumerable.Range(0, 9), order);
        Assert.Equal(order.SelectMany(i => d.Image(i).ToArray()), batches.SelectMany(b => b.X));
        Assert.Equal(order.Select(i => d.Labels[i]), batches.SelectMany(b => b.Y));
    }

    [Fact]
    public void OrderIsAFunctionOfSeedAndEpoch()
    {
        var d = Distinct(200, 1, 1, 1);
        BatchLoader Loader(ulong seed) => new(d, 32, Device.Cpu, new BatchOptions { Shuffle = true, Seed = seed });
        Assert.Equal(Loader(1).Order(0), Loader(1).Order(0));
        Assert.NotEqual(Loader(1).Order(0), Loader(2).Order(0));
        Assert.NotEqual(Loader(1).Order(0), Loader(1).Order(1));
        Assert.Equal(Loader(1).Order(3), Collect(Loader(1), 3).SelectMany(b => b.Idx));
    }

    [Fact]
    public void AugmentationWithNoPadAndNoFlipIsTheIdentity()
    {
        var d = Distinct(7);
        var plain = Collect(new BatchLoader(d, 3, Device.Cpu, new BatchOptions { Shuffle = true, Seed = 9 }), 0);
        var aug = Collect(new BatchLoader(d, 3, Device.Cpu,
            new BatchOptions { Shuffle = true, Seed = 9, Augment = new Augmentation(0, false) }), 0);
        Assert.Equal(plain.SelectMany(b => b.X), aug.SelectMany(b => b.X));
        Assert.Equal(plain.SelectMany(b => b.Y), aug.SelectMany(b => b.Y));
    }

    [Fact]
    public void FlipOnlyMirrorsSomeImagesAndLeavesTheOthers()
    {
        int c = 2, h = 5, w = 6, size = c * h * w;
        var d = Distinct(40, c, h, w);
        var batches = Collect(new BatchLoader(d, 16, Device.Cpu, new BatchOptions { Seed = 4, Augment = new Augmentation(0, true) }), 0);
        float[] x = batches.SelectMany(b => b.X).ToArray();
        int flipped = 0;
        for (int i = 0; i < d.N; i++)
        {
            var src = d.Image(i).ToArray();
            var got = x.AsSpan(i * size, size).ToArray();
            var mirror = new float[size];
            for (int p = 0; p < c * h; p++)
                for (int j = 0; j < w; j++) mirror[p * w + j] = src[p * w + (w - 1 - j)];
            if (got.SequenceEqual(mirror)) flipped++;
            else Assert.Equal(src, got);
        }
        Assert.InRange(flipped, 5, 35);
    }

    [Fact]
    public void CropAndFlipAreReproducibleAndDependOnTheSeed()
    {
        var d = Distinct(20, 3, 8, 8);
        float[] Run(ulong seed, int epoch) => Collect(new BatchLoader(d, 8, Device.Cpu,
            new BatchOptions { Shuffle = true, Seed = seed, Augment = Augmentation.Standard }), epoch).SelectMany(b => b.X).ToArray();
        var a = Run(1, 0);
        Assert.Equal(a, Run(1, 0));
        Assert.NotEqual(a, Run(2, 0));
        Assert.NotEqual(a, Run(1, 1));
        // every output pixel is padding or a pixel of the data set
        var pixels = d.Images.ToHashSet();
        Assert.All(a, v => Assert.True(v == 0f || pixels.Contains(v)));
        Assert.Contains(0f, a);
    }

    [Fact]
    public void RejectsABadBatchSize() =>
        Assert.Throws<ArgumentOutOfRangeException>(() => new BatchLoader(Distinct(2), 0, Device.Cpu));
}
