using FastRobust.Tensors;
using Xunit;

namespace FastRobust.Gpu.Tests.Runtime;

/// <summary>
/// The upload ring (PinnedUploadRing) behind IlgpuBackend.Upload/UploadInt: many more uploads than slots, floats and
/// ints through the same slots, sizes that grow and shrink, the caller's array overwritten right after each upload.
/// On ilgpu-cpu a copy has run before Upload returns, so this checks what the ring does with the bytes (staging,
/// offsets, casts, slot growth), not the fence ordering, which only a GPU can race.
/// </summary>
public class PinnedUploadRingTests
{
    private readonly Agreement t = new();

    [Fact]
    public void EveryUploadArrivesIntactAlthoughTheSourceIsOverwrittenAtOnce()
    {
        var be = (IlgpuBackend)Agreement.IlgpuCpu.Backend;
        int uploads = 4 * PinnedUploadRing.SlotCount + 3;
        var floats = new List<(FloatBuffer Buffer, long Offset, float[] Expected)>();
        var ints = new List<(IntBuffer Buffer, int[] Expected)>();
        var source = new float[100_000];
        var intSource = new int[100_000];
        long waitsBefore = be.HostWaits;
        for (int i = 0; i < uploads; i++)
        {
            // 1, 100 000 and sizes in between, growing and shrinking, so slots are grown while others hold data
            int n = i switch { 0 => 1, 1 => 100_000, _ => t.Int(1, 100_001) };
            if (i % 3 == 2)
            {
                for (int k = 0; k < n; k++) intSource[k] = t.Int(int.MinValue, int.MaxValue);
                var buffer = be.AllocInt(n);
                be.UploadInt(intSource.AsSpan(0, n), buffer);
                ints.Add((buffer, intSource[..n]));
                Array.Fill(intSource, -1);
            }
            else
            {
                for (int k = 0; k < n; k++) source[k] = (float)t.Rng.NextDouble() * 2 - 1;
                long offset = i % 2 == 0 ? 0 : t.Int(1, 64);
                var buffer = be.Alloc(offset + n);
                be.Upload(source.AsSpan(0, n), buffer, offset);
                floats.Add((buffer, offset, source[..n]));
                Array.Fill(source, float.NaN);
            }
        }
        Assert.Equal(waitsBefore, be.HostWaits); // no upload waited for the device

        foreach (var (buffer, offset, expected) in floats)
        {
            var actual = new float[expected.Length];
            be.Download(buffer, offset, actual);
            Assert.True(expected.AsSpan().SequenceEqual(actual), $"a float upload of {expected.Length} at offset {offset} differs (seed {t.Seed})");
        }
        foreach (var (buffer, expected) in ints)
        {
            Assert.True(Agreement.DownInt(be, buffer, expected.Length).SequenceEqual(expected), $"an int upload of {expected.Length} differs (seed {t.Seed})");
        }
        Assert.Equal(waitsBefore + floats.Count + ints.Count, be.HostWaits); // one wait per download
    }

    /// <summary>An upload larger than the largest slot passes through several slots in pieces, each to its place.</summary>
    [Fact]
    public void AnUploadLargerThanASlotArrivesWhole()
    {
        var be = (IlgpuBackend)Agreement.IlgpuCpu.Backend;
        int n = 2 * PinnedUploadRing.MaxSlotBytes / sizeof(int) + 12_345;
        var source = Enumerable.Range(0, n).ToArray();
        var buffer = be.AllocInt(n);
        be.UploadInt(source, buffer);
        Array.Fill(source, -1);
        var actual = Agreement.DownInt(be, buffer, n);
        for (int i = 0; i < n; i++)
            if (actual[i] != i) Assert.Fail($"element {i} of {n} is {actual[i]}");
    }
}
