using FastRobust.Data;
using FastRobust.Shifts.Evaluation;
using FastRobust.Shifts.Generation;
using FastRobust.Study;
using Xunit;

namespace FastRobust.Gpu.Tests.Shifts;

/// <summary>
/// The paths that hand a device to the corruptions — evaluate's generated conditions and a study's shifted test sets —
/// give the host's images when the device is ilgpu-cpu (its kernels run) exactly as when there is none.
/// </summary>
public sealed class DeviceConditionTests
{
    private static Dataset Clean()
    {
        var rng = new System.Random(3);
        var shape = new ImageShape(3, 32, 32);
        var bytes = CorruptionSamples.Smooth(rng, 6, shape);
        var images = bytes.Select(b => b / 255f).ToArray();
        return new Dataset("smooth", images, Enumerable.Range(0, 6).Select(i => i % 10).ToArray(), 3, 32, 32, 10);
    }

    [Fact]
    public void EvaluateConditionsOnTheDeviceAreTheHostsImages()
    {
        var clean = Clean();
        var onHost = ShiftConditions.Parse(["fog:2", "jpeg_compression:4", "speckle_noise:1", "saturate:5"], clean, [1, 2, 3, 4, 5], 11, null);
        var onDevice = ShiftConditions.Parse(["fog:2", "jpeg_compression:4", "speckle_noise:1", "saturate:5"], clean, [1, 2, 3, 4, 5], 11, null,
            CorruptionAgreement.Backend);
        Assert.Equal(onHost.Select(c => c.ToString()), onDevice.Select(c => c.ToString()));
        Assert.Equal(5, onHost.Count);
        for (int i = 1; i < onHost.Count; i++)
        {
            float[] host = onHost[i].Load().Images;
            long before = CorruptionAgreement.Kernels.Batches;
            float[] device = onDevice[i].Load().Images;
            Assert.Equal(before + 1, CorruptionAgreement.Kernels.Batches); // the kernels made it, not the host
            int differing = host.Where((v, j) => v != device[j]).Count();
            // speckle noise's normals may put a value one level off in a million (CorruptionKernelTests); the rest are exact
            Assert.True(differing <= (onHost[i].Corruption == "speckle_noise" ? 2 : 0), $"{onHost[i]}: {differing} values differ");
            Assert.NotEqual(clean.Images, host);
        }
    }

    [Fact]
    public void StudyShiftedSetsOnTheDeviceAreTheHostsImages()
    {
        var clean = Clean();
        var data = new StudyData("smooth", clean, clean, clean, clean, 5);
        var other = new StudyData("smooth", clean, clean, clean, clean, 5);
        foreach (var (name, severity) in new[] { ("elastic_transform", 3), ("glass_blur", 5), ("shot_noise", 2) })
        {
            var host = data.Shifted(name, severity).Images;
            long before = CorruptionAgreement.Kernels.Batches;
            Assert.Equal(host, other.Shifted(name, severity, CorruptionAgreement.Backend).Images);
            Assert.Equal(before + 1, CorruptionAgreement.Kernels.Batches);
        }
    }
}
