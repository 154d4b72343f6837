using FastRobust.Tensors;

namespace FastRobust.Gpu.Agreement;

/// <summary>Allocation, transfers, copies and fills, with offsets: the same sequence on both backends, compared bit for bit.</summary>
internal static class MemoryCases
{
    public static IEnumerable<AgreementCase> All()
    {
        yield return new("memory: upload, download, copy and fill at offsets, int buffers",
            ["Alloc", "AllocInt", "Upload", "Download", "UploadInt", "DownloadInt", "Copy", "Fill", "Synchronize"], t =>
        {
            int n = t.Size(8, 3000), at = t.Int(0, n - 5);
            var src = t.Rand(n);
            var part = t.Rand(5);
            var ints = Enumerable.Range(0, n).Select(_ => t.Int(int.MinValue, int.MaxValue)).ToArray();
            var results = new[] { t.C, t.G }.Select(b =>
            {
                var buf = b.Alloc(n);
                b.Upload(src, buf);
                b.Upload(part, buf, at);
                var other = b.Alloc(n + 4);
                b.Fill(other, 0, n + 4, float.NaN);
                b.Copy(buf, 2, other, 4, n - 2);
                b.Fill(other, 0, 2, 7f);
                var whole = new float[n + 4];
                b.Download(other, 0, whole);
                var tail = new float[n - 3];
                b.Download(buf, 3, tail);
                var ib = b.AllocInt(n);
                b.UploadInt(ints, ib);
                var intsBack = new int[n];
                b.DownloadInt(ib, intsBack);
                b.Synchronize();
                return (Whole: whole, Tail: tail, Ints: intsBack);
            }).ToArray();
            // the cpu backend against the host's own arithmetic first, then the GPU against the cpu backend
            var expected = src.ToArray();
            Array.Copy(part, 0, expected, at, 5);
            t.Exact(expected[3..], results[0].Tail, "cpu download at an offset");
            t.Exact([7f, 7f, float.NaN, float.NaN, .. expected[2..], float.NaN, float.NaN], results[0].Whole, "cpu fill and copy");
            t.ExactInt(ints, results[0].Ints, "cpu int round trip");
            t.Exact(results[0].Whole, results[1].Whole, "fill and copy at offsets");
            t.Exact(results[0].Tail, results[1].Tail, "download at an offset");
            t.ExactInt(results[0].Ints, results[1].Ints, "int round trip");
        });
        yield return new("host threads: the same count for the host work of either backend", ["HostThreads"], t =>
        {
            // host-side work done for a device (corruptions without a kernel) is split over this many threads; each
            // image draws from its own stream, so the bytes do not depend on it, but it must be a usable count
            t.True(t.C.HostThreads >= 1, $"cpu lends {t.C.HostThreads} host threads");
            t.True(t.G.HostThreads == t.C.HostThreads, $"cpu lends {t.C.HostThreads} host threads, {t.Gpu.Name} {t.G.HostThreads}");
        });
    }
}
