using FastRobust.Tensors;
using Xunit;

namespace FastRobust.Tests.OpsTests;

/// <summary>Backend.CountCorrect: per-member counts of argmax hits, accumulated on the device.</summary>
public class CountCorrectTests
{
    [Fact]
    public void CountsArgmaxHitsPerMemberAndAccumulates()
    {
        // E = 2 members, N = 3 samples, K = 4 classes; labels shared by the members; ties go to the first index
        float[] logits =
        [
            0, 5, 1, 2,   9, 0, 0, 0,   1, 1, 0, 0,  // member 0: argmax 1, 0, 0
            3, 0, 0, 0,   0, 0, 7, 0,   0, 2, 2, 0,  // member 1: argmax 0, 2, 1
        ];
        using var scope = new TensorScope();
        var x = Tensor.FromArray(logits, [2, 3, 4]);
        using var labels = IntTensor.FromArray([1, 0, 1]);
        var counts = Tensor.FromArray([10f, 20f], [2]);
        Device.Cpu.Backend.CountCorrect(x.Buffer, labels.Buffer, counts.Buffer, 6, 4, 3);
        Assert.Equal([10f + 2f, 20f + 1f], counts.ToArray());
    }
}
