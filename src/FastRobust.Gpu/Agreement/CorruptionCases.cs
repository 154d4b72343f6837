using FastRobust.Shifts.Generation;

namespace FastRobust.Gpu.Agreement;

/// <summary>Each CIFAR-10-C corruption kernel against the host's generator, at every severity, on colour and gray images.</summary>
internal static class CorruptionCases
{
    public static IEnumerable<AgreementCase> All()
    {
        foreach (string name in GpuCorruptions.Names)
            yield return new($"corruption {name}: the host's bytes at severities 1-5", [], t =>
            {
                // tests/FastRobust.Gpu.Tests/Shifts hold each kernel to its own stated tolerance; here the one that covers
                // them all: at most a level off, in at most 1 of 1,000 values (KMath's transcendentals against .NET's in
                // the last bits)
                var corruption = Corruptions.Get(name);
                var kernels = CorruptionKernelRegistry.For(t.G) ?? throw t.Fail($"{t.Gpu.Name} has no corruption kernels");
                foreach (var shape in new[] { new ImageShape(3, 32, 32), new ImageShape(1, 28, 28) })
                {
                    if (shape.C == 1 && !corruption.SupportsGray) continue;
                    int n = t.Scale < 1 ? 4 : 64;
                    var images = CorruptionSamples.Smooth(new System.Random(t.Seed), n, shape);
                    for (int s = 1; s <= Corruptions.Severities; s++)
                    {
                        ulong seed = (ulong)t.Seed * 31 + (ulong)s;
                        var host = Corruptions.ApplyBytes(corruption, s, images, n, shape, seed, 1000);
                        var gpu = kernels.ApplyBytes(corruption, s, images, n, shape, seed, 1000);
                        var (differing, levels) = CorruptionSamples.Compare(host, gpu);
                        t.True(levels <= 1 && differing * 1000L <= host.Length,
                            $"{shape} severity {s}: {differing} of {host.Length} values differ from the host's, by up to {levels} levels");
                    }
                }
            });
    }
}
