using FastRobust.Util;

namespace FastRobust.Data;

/// <summary>
/// The CIFAR-10 binary format (cifar-10-binary.tar.gz): each record is one label byte then 3072 pixel bytes,
/// the 32×32 red plane, then green, then blue, row-major, which is already CHW. Train is data_batch_1..5.bin
/// (50,000 images), test is test_batch.bin (10,000).
/// </summary>
public static class Cifar10Reader
{
    public const int Side = 32, Channels = 3, Classes = 10;
    public const int ImageBytes = Channels * Side * Side;
    public const int RecordBytes = 1 + ImageBytes;

    public static readonly IReadOnlyList<string> TrainFiles = Enumerable.Range(1, 5).Select(i => $"data_batch_{i}.bin").ToArray();
    public const string TestFile = "test_batch.bin";

    /// <summary>The batch file names of a split ("train" or "test").</summary>
    public static IReadOnlyList<string> SplitFiles(string split) => split switch
    {
        "train" => TrainFiles,
        "test" => [TestFile],
        _ => throw new InputException($"unknown split '{split}': expected train or test"),
    };

    /// <summary>Reads a split from a folder holding the .bin batches.</summary>
    public static Dataset ReadSplit(string directory, string split) =>
        Read(SplitFiles(split).Select(f => Path.Combine(directory, f)).ToArray(), $"cifar10-{split}");

    /// <summary>Reads and concatenates batch files, in the order given.</summary>
    public static Dataset Read(IReadOnlyList<string> files, string name)
    {
        var records = new long[files.Count];
        long total = 0;
        for (int f = 0; f < files.Count; f++)
        {
            string path = files[f];
            if (!File.Exists(path)) throw new InputException($"{path}: CIFAR-10 batch file not found");
            // the length of what the path names: a symbolic link's target, not the link
            long length = LengthOf(path);
            if (length == 0 || length % RecordBytes != 0)
                throw new InputException($"{path}: {length} bytes is not a whole number of {RecordBytes}-byte CIFAR-10 records (truncated or not a CIFAR-10 binary batch)");
            records[f] = length / RecordBytes;
            total += records[f];
        }
        if (total * ImageBytes > Array.MaxLength) throw new InputException($"{name}: {total} images are too many for one array");

        var images = new float[total * ImageBytes];
        var labels = new int[total];
        // a few thousand records at a time: large sequential reads, small buffer
        const int chunkRecords = 2048;
        var buffer = new byte[chunkRecords * RecordBytes];
        int next = 0;
        for (int f = 0; f < files.Count; f++)
        {
            string path = files[f];
            try
            {
                using var s = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16);
                for (long done = 0; done < records[f];)
                {
                    int count = (int)Math.Min(chunkRecords, records[f] - done);
                    var span = buffer.AsSpan(0, count * RecordBytes);
                    if (s.ReadAtLeast(span, span.Length, throwOnEndOfStream: false) < span.Length)
                        throw new InputException($"{path}: truncated while reading (the file shrank?)");
                    for (int r = 0; r < count; r++)
                    {
                        var record = span.Slice(r * RecordBytes, RecordBytes);
                        int label = record[0];
                        if (label >= Classes)
                            throw new InputException($"{path}: record {done + r} has label {label}, outside 0..{Classes - 1} (not a CIFAR-10 batch?)");
                        labels[next] = label;
                        PixelBytes.ToFloats(record[1..], images.AsSpan(next * ImageBytes, ImageBytes));
                        next++;
                    }
                    done += count;
                }
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                throw new InputException($"{path}: cannot read: {e.Message}");
            }
        }
        return new Dataset(name, images, labels, Channels, Side, Side, Classes);
    }

    private static long LengthOf(string path)
    {
        try
        {
            using var s = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1);
            return s.Length;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new InputException($"{path}: cannot read: {e.Message}");
        }
    }
}
