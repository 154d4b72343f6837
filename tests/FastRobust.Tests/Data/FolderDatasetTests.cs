using FastRobust.Data;
using FastRobust.Tests.Cli;
using FastRobust.Util;
using SkiaSharp;
using Xunit;

namespace FastRobust.Tests.Data;

/// <summary>
/// folder:PATH datasets on generated trees of PNG and JPEG files whose pixels are known: values, labels, class
/// choice, splits, resizing, the cache, and one clear error for each kind of bad folder.
/// </summary>
public class FolderDatasetTests : CliTestFolder
{
    // image i of class k: pixel (y, x) channel c = (17·k + 5·i + 3·y + 7·x + 60·c) mod 256 — distinct per image and class
    private static byte Value(int k, int i, int y, int x, int c) => (byte)((17 * k + 5 * i + 3 * y + 7 * x + 60 * c) % 256);

    private static void WriteImage(string path, int k, int i, int h, int w, bool grey = false, SKEncodedImageFormat format = SKEncodedImageFormat.Png)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        using var bmp = new SKBitmap(w, h, grey ? SKColorType.Gray8 : SKColorType.Rgba8888, SKAlphaType.Opaque);
        for (int y = 0; y < h; y++)
            for (int x = 0; x < w; x++)
                bmp.SetPixel(x, y, grey ? new SKColor(Value(k, i, y, x, 0), Value(k, i, y, x, 0), Value(k, i, y, x, 0))
                                        : new SKColor(Value(k, i, y, x, 0), Value(k, i, y, x, 1), Value(k, i, y, x, 2)));
        using var data = bmp.Encode(format, 100);
        File.WriteAllBytes(path, data.ToArray());
    }

    /// <summary>PATH/{train,val}/{cat,dog,emu}/img{i}.png, 3 train and 2 val images per class, 5×4 pixels.</summary>
    private string MakeSplitTree(bool grey = false)
    {
        string[] classes = ["dog", "cat", "emu"];  // written unsorted; ImageFolder sorts them: cat 0, dog 1, emu 2
        foreach (var (split, count) in new[] { ("train", 3), ("val", 2) })
            foreach (string cls in classes)
                for (int i = 0; i < count; i++)
                    WriteImage(P($"tree/{split}/{cls}/img{i}.png"), SortedIndex(cls), split == "val" ? 10 + i : i, 5, 4, grey);
        return P("tree");
    }

    private static int SortedIndex(string cls) => cls switch { "cat" => 0, "dog" => 1, _ => 2 };

    /// <summary>Finds which (class, image) a decoded image is by its first pixel, then checks every value of it.</summary>
    private static void AssertPixelsExact(Dataset d, int[] imageIds)
    {
        for (int n = 0; n < d.N; n++)
        {
            int k = d.Labels[n];
            var img = d.Image(n).ToArray();
            int i = imageIds.Single(id => Value(k, id, 0, 0, 0) / 255f == img[0]);
            for (int c = 0; c < d.C; c++)
                for (int y = 0; y < d.H; y++)
                    for (int x = 0; x < d.W; x++)
                        Assert.Equal(Value(k, i, y, x, c) / 255f, img[(c * d.H + y) * d.W + x]);
        }
    }

    [Fact]
    public void TrainAndValFolders_DecodeToTheirExactPixelsWithSortedClassLabels()
    {
        string root = MakeSplitTree();
        var train = DataLocator.Load($"folder:{root}", "train");
        var test = DataLocator.Load($"folder:{root}", "test");
        Assert.Equal((9, 3, 5, 4, 3), (train.N, train.C, train.H, train.W, train.Classes));
        Assert.Equal((6, 3), (test.N, test.Classes));
        Assert.Equal([3, 3, 3], Enumerable.Range(0, 3).Select(k => train.Labels.Count(l => l == k)));
        AssertPixelsExact(train, [0, 1, 2]);
        AssertPixelsExact(test, [10, 11]);
        // the order is mixed (a hash of the path), so the first images are not all of one class
        Assert.True(train.Labels.Take(4).Distinct().Count() > 1, string.Join(",", train.Labels));
    }

    [Fact]
    public void GreyscaleImages_GiveOneChannel()
    {
        var d = DataLocator.Load($"folder:{MakeSplitTree(grey: true)}", "train");
        Assert.Equal(1, d.C);
        AssertPixelsExact(d, [0, 1, 2]);
    }

    [Fact]
    public void JpegFiles_DecodeCloseToTheirPixels()
    {
        for (int k = 0; k < 2; k++)
            for (int i = 0; i < 2; i++)
                WriteImage(P($"jpg/train/c{k}/x{i}.jpg"), k, i, 8, 8, format: SKEncodedImageFormat.Jpeg);
        var d = DataLocator.Load($"folder:{P("jpg")},holdout=0.5", "train");
        Assert.Equal((4, 3), (d.N, d.C));
        // quality 100 with 4:2:0 chroma leaves a few levels of error on this smooth ramp, never more
        for (int n = 0; n < d.N; n++)
        {
            int k = d.Labels[n];
            float first = d.Image(n)[0];
            int i = Enumerable.Range(0, 2).MinBy(id => Math.Abs(Value(k, id, 0, 0, 0) / 255f - first));
            for (int c = 0; c < 3; c++)
                for (int p = 0; p < 64; p++)
                    Assert.True(Math.Abs(Value(k, i, p / 8, p % 8, c) / 255f - d.Image(n)[c * 64 + p]) <= 12 / 255f);
        }
    }

    [Fact]
    public void ClassesOption_TakesTheFirstNSortedOrTheNamedOnesInSortedOrder()
    {
        string root = MakeSplitTree();
        var two = DataLocator.Load($"folder:{root},classes=2", "train");
        Assert.Equal((6, 2), (two.N, two.Classes));  // cat and dog
        var named = DataLocator.Load($"folder:{root},classes=emu+cat", "train");
        Assert.Equal(2, named.Classes);
        // cat is label 0 and emu label 1 whatever order they were named in; pixels tell which class an image came from
        for (int n = 0; n < named.N; n++)
        {
            int originalClass = named.Labels[n] == 0 ? 0 : 2;
            float first = named.Image(n)[0];
            Assert.Contains(Enumerable.Range(0, 3), i => Value(originalClass, i, 0, 0, 0) / 255f == first);
        }
        var e = Assert.Throws<InputException>(() => DataLocator.Load($"folder:{root},classes=cat+yak", "train"));
        Assert.Contains("'yak'", e.Message);
        Assert.Throws<InputException>(() => DataLocator.Load($"folder:{root},classes=4", "train"));
    }

    [Fact]
    public void WithoutTrainFolder_AFixedFractionOfEachClassIsTheTestSplit()
    {
        for (int k = 0; k < 2; k++)
            for (int i = 0; i < 40; i++)
                WriteImage(P($"flat/k{k}/{i:D3}.png"), k, i, 2, 2);
        var train = DataLocator.Load($"folder:{P("flat")},holdout=0.25", "train");
        var test = DataLocator.Load($"folder:{P("flat")},holdout=0.25", "test");
        Assert.Equal(80, train.N + test.N);
        Assert.InRange(test.N, 8, 32);  // 20 expected; the hash decides each file
        var trainIds = Enumerable.Range(0, train.N).Select(n => (train.Labels[n], train.Image(n)[0], train.Image(n)[1])).ToHashSet();
        for (int n = 0; n < test.N; n++) Assert.DoesNotContain((test.Labels[n], test.Image(n)[0], test.Image(n)[1]), trainIds);
    }

    [Fact]
    public void SizeOption_ResizesAndKeepsAFlatImageFlat()
    {
        for (int k = 0; k < 2; k++)
        {
            Directory.CreateDirectory(P($"sz/train/c{k}"));
            using var bmp = new SKBitmap(13, 9, SKColorType.Rgba8888, SKAlphaType.Opaque);
            bmp.Erase(new SKColor((byte)(40 + k), 90, 200));
            using var data = bmp.Encode(SKEncodedImageFormat.Png, 100);
            File.WriteAllBytes(P($"sz/train/c{k}/a.png"), data.ToArray());
            WriteImage(P($"sz/train/c{k}/b.png"), k, 0, 30, 20);  // another size: only a common size makes a set
        }
        var e = Assert.Throws<InputException>(() => DataLocator.Load($"folder:{P("sz")},holdout=0.5", "train"));
        Assert.Contains("size=", e.Message);
        var d = DataLocator.Load($"folder:{P("sz")},size=6x4", "train");
        Assert.Equal((4, 3, 6, 4), (d.N, d.C, d.H, d.W));
        for (int n = 0; n < d.N; n++)
            if (d.Image(n)[0] is var first && Math.Abs(first - (40 + d.Labels[n]) / 255f) < 1e-6)
                for (int p = 0; p < 24; p++) Assert.Equal(90 / 255f, d.Image(n)[24 + p]);
    }

    [Fact]
    public void SecondLoad_ComesFromTheCache_AndAnEditedFileIsDecodedAgain()
    {
        string root = MakeSplitTree();
        var first = DataLocator.Load($"folder:{root}", "train");
        var cached = Directory.GetFiles(Path.Combine(root, FolderDataset.CacheFolder));
        Assert.Equal(2, cached.Length);  // images and labels of the train split
        // the cache is what the second load reads: overwrite its pixels and see them come back
        string images = cached.Single(f => f.EndsWith("-images.npy"));
        var (pixels, shape) = Npy.ReadUInt8(images);
        Array.Fill(pixels, (byte)7);
        Npy.WriteUInt8(images, pixels, shape);
        Assert.All(DataLocator.Load($"folder:{root}", "train").Images, v => Assert.Equal(7 / 255f, v));
        // editing an image changes the key, so the folder is decoded again
        WriteImage(Path.Combine(root, "train", "cat", "img0.png"), 0, 0, 5, 4);
        File.SetLastWriteTimeUtc(Path.Combine(root, "train", "cat", "img0.png"), DateTime.UtcNow.AddMinutes(1));
        Assert.Equal(first.Images, DataLocator.Load($"folder:{root}", "train").Images);
    }

    [Fact]
    public void BadFolders_FailWithOneMessageNamingTheFile()
    {
        string root = MakeSplitTree();
        File.WriteAllBytes(Path.Combine(root, "train", "dog", "broken.png"), [0x89, 0x50, 0x4E, 0x47, 1, 2, 3]);
        var e = Assert.Throws<InputException>(() => DataLocator.Load($"folder:{root}", "train"));
        Assert.Contains("broken.png", e.Message);
        File.Delete(Path.Combine(root, "train", "dog", "broken.png"));

        File.WriteAllText(Path.Combine(root, "train", "cat", "notes.txt"), "not a picture");
        e = Assert.Throws<InputException>(() => DataLocator.Load($"folder:{root}", "train"));
        Assert.Contains("notes.txt", e.Message);
        File.Delete(Path.Combine(root, "train", "cat", "notes.txt"));

        Directory.CreateDirectory(Path.Combine(root, "train", "fox"));
        e = Assert.Throws<InputException>(() => DataLocator.Load($"folder:{root}", "train"));
        Assert.Contains("fox", e.Message);

        Assert.Throws<InputException>(() => DataLocator.Load($"folder:{P("nowhere")}", "train"));
        Assert.Throws<InputException>(() => DataLocator.Load($"folder:{root},size=0", "train"));
        Assert.Throws<InputException>(() => DataLocator.Load($"folder:{root},colour=yes", "train"));
    }

    [Fact]
    public void Train_OnAFolder_WritesAModelOfItsShape_AndBadFolderExitsWith2()
    {
        string root = MakeSplitTree();
        var r = CliHarness.Run("train", "--dataset", $"folder:{root}", "--model", "custom-cnn:depth=1,width=4", "--epochs", "1",
            "--batch", "4", "--out", P("model"));
        Assert.True(r.Code == 0, r.Err);
        var spec = FastRobust.Nn.ModelSpec.Load(P("model/model.json"));
        Assert.Equal([3, 5, 4], spec.Input);
        Assert.Equal(3, spec.Classes);

        File.WriteAllText(Path.Combine(root, "train", "cat", "notes.txt"), "x");
        var bad = CliHarness.Run("train", "--dataset", $"folder:{root}", "--model", "custom-cnn:depth=1,width=4", "--out", P("model2"));
        Assert.Equal(2, bad.Code);
        Assert.Contains("notes.txt", bad.Err);
        Assert.False(Directory.Exists(P("model2")) && Directory.EnumerateFiles(P("model2")).Any());
    }

    [Fact]
    public void Study_OnAFolder_TrainsAndEvaluatesItsModels_AndABadFolderFailsWhenTheFileIsRead()
    {
        string root = MakeSplitTree();
        string study = $$"""
            { "name": "folder", "dataset": "folder:{{root}}", "attack_images": 6, "measure_images": 9,
              "training": { "epochs": 1, "batch": 3, "optimizer": "adam", "lr": 0.003 },
              "models": [ { "family": "custom-cnn", "grid": { "depth": [1], "width": [2, 3] } } ],
              "conditions": [ { "type": "clean" }, { "type": "attack", "attack": "fgsm", "eps": [0.03] } ],
              "measures": ["performance"] }
            """;
        var parsed = FastRobust.Study.StudyFile.Parse(study, "folder.json");
        Assert.Equal($"folder:{root}", parsed.Dataset);
        FastRobust.Study.StudyRunner.Run(parsed, "folder.json", P("study"), FastRobust.Study.Shard.All, false,
            FastRobust.Tensors.Device.Cpu, new FastRobust.Study.SilentStudyProgress());
        var models = FastRobust.Tables.Table.Read(P("study/models.parquet"));
        Assert.Equal(2, models.Rows);
        var e = Assert.Throws<InputException>(() => FastRobust.Study.StudyFile.Parse(study.Replace(root, root + ",size=0"), "bad.json"));
        Assert.Contains("bad.json", e.Message);
    }
}
