using FastRobust.Random;
using FastRobust.Tensors;

namespace FastRobust.Data;

/// <summary>
/// Walks a <see cref="Dataset"/> in mini-batches, one epoch per call to <see cref="Epoch"/>. Everything random
/// (the order, the crops, the flips) is a function of (seed, epoch), so a run replays exactly and any epoch can be
/// regenerated alone. Images are gathered on the host into one staging array reused for every batch, uploaded, and
/// augmented on the device.
/// </summary>
public sealed class BatchLoader
{
    public BatchLoader(Dataset data, int batchSize, Device device, BatchOptions? options = null)
    {
        if (batchSize <= 0) throw new ArgumentOutOfRangeException(nameof(batchSize), "batch size must be positive");
        if (options?.Augment is { Pad: < 0 }) throw new ArgumentOutOfRangeException(nameof(options), "augmentation padding must not be negative");
        Data = data;
        BatchSize = batchSize;
        Device = device;
        Options = options ?? BatchOptions.Eval;
    }

    public Dataset Data { get; }
    public int BatchSize { get; }
    public Device Device { get; }
    public BatchOptions Options { get; }

    /// <summary>Batches per epoch.</summary>
    public int BatchCount => Options.DropLast ? Data.N / BatchSize : (Data.N + BatchSize - 1) / BatchSize;

    /// <summary>Images per epoch (fewer than N when the last partial batch is dropped).</summary>
    public int ImagesPerEpoch => Options.DropLast ? BatchCount * BatchSize : Data.N;

    /// <summary>The data-set indices in the order epoch <paramref name="epoch"/> visits them.</summary>
    public int[] Order(int epoch)
    {
        if (Options.Shuffle) return new PhiloxStream(Options.Seed, DataStreams.Shuffle(epoch)).Permutation(Data.N);
        var order = new int[Data.N];
        for (int i = 0; i < order.Length; i++) order[i] = i;
        return order;
    }

    /// <summary>
    /// The batches of one epoch, created lazily as the enumeration advances (one batch lives on the device at a
    /// time unless the caller keeps them).
    /// </summary>
    public IEnumerable<Batch> Epoch(int epoch)
    {
        int[] order = Order(epoch);
        int size = Data.ImageSize, count = BatchCount;
        // per enumeration, so two epochs walked at once never share a buffer
        var stage = new float[(long)Math.Min(BatchSize, Math.Max(Data.N, 1)) * size];
        var labels = new int[Math.Min(BatchSize, Math.Max(Data.N, 1))];
        var augmentRng = Options.Augment != null ? new PhiloxStream(Options.Seed, DataStreams.Augment(epoch)) : null;
        for (int b = 0; b < count; b++)
        {
            int start = b * BatchSize, n = Math.Min(BatchSize, Data.N - start);
            for (int i = 0; i < n; i++)
            {
                int k = order[start + i];
                Array.Copy(Data.Images, (long)k * size, stage, (long)i * size, size);
                labels[i] = Data.Labels[k];
            }
            int[] shape = [n, Data.C, Data.H, Data.W];
            var images = Tensor.FromArray(stage.AsSpan(0, n * size), shape, Device);
            if (augmentRng != null) images = Augment(images, shape, augmentRng);
            var y = IntTensor.FromArray(labels.AsSpan(0, n), Device);
            yield return new Batch(b, images, y, order.AsMemory(start, n));
        }
    }

    private Tensor Augment(Tensor images, int[] shape, PhiloxStream rng)
    {
        var aug = Options.Augment!;
        var output = Tensor.Empty(shape, Device);
        // RandomCropFlip draws one Philox block per image: reserve n blocks (4 values each)
        ulong offset = rng.Take(4L * shape[0]);
        Device.Backend.RandomCropFlip(images.Buffer, output.Buffer, shape[0], shape[1], shape[2], shape[3], aug.Pad, aug.Flip,
            rng.Seed, rng.Stream, offset);
        images.Dispose();
        return output;
    }
}
