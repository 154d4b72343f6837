using FastRobust.Shifts.Generation;
using FastRobust.Util;
using Xunit;

namespace FastRobust.Gpu.Tests.Shifts;

/// <summary>
/// Every one of the 19 corruptions has kernels (kernels/Corruptions/), and on ilgpu-cpu they give the host's bytes at
/// every severity: on CIFAR's colour and MNIST's grey images, and on non-square shapes whose sides are not powers of
/// two (so a kernel that swaps H and W, or assumes a map or field the image's size, differs). Each corruption's
/// tolerance and the reason for it are in <see cref="Expected"/>. On a real GPU the same holds only if ptxas fuses no
/// product into an fma: PtxContractionTests reads the PTX for that.
/// </summary>
public sealed class CorruptionKernelTests
{
    /// <summary>How many values may differ (by one level) per case, how many images a case has, extra shapes, and why.</summary>
    private sealed record Expectation(string Why, int MaxDiffering = 0, int Images = 5, ImageShape[]? MoreShapes = null);

    private const string KMathNormals =
        "Box–Muller through KMath's log/sin/cos, which may differ from .NET's in the last double bits; a one-level difference " +
        "needs the value to sit on a truncation boundary, about one in a million (a 1 % change of σ shows as ~2,000 values)";

    private static readonly Dictionary<string, Expectation> Expected = new()
    {
        ["gaussian_noise"] = new(KMathNormals, MaxDiffering: 2),
        ["speckle_noise"] = new(KMathNormals, MaxDiffering: 2),
        ["impulse_noise"] = new("integer draws and the host's double comparisons: exact"),
        ["shot_noise"] = new("the counts are integers and Out(k / c) is the host's arithmetic; inversion (λ < 10) uses the host's e^−λ " +
                             "and sum order; PTRS (λ ≥ 10) compares logs through KMath, a few ulps from .NET's, so a count changes only " +
                             "if both sides agree to ~1e-15: ~1e-10 per run. Measured: 0 differing in 7.7 million values"),
        ["defocus_blur"] = new("the host's disk kernel, uploaded; its double sums in its order, products rounded on their own: exact"),
        ["glass_blur"] = new("the host's Gaussian taps and sums in its order, its sequential copies with its draws: exact"),
        ["motion_blur"] = new("the host's weights and per-image offsets, summed in double in tap order: exact"),
        ["zoom_blur"] = new("the host's zoom plans, mixed in double and summed in float32 in the host's order: exact"),
        ["gaussian_blur"] = new("the host's taps (uploaded) and double sums in its order: exact"),
        ["snow"] = new("all but the normals is the host's arithmetic on its tables; KMath's normals rounded to float matched .NET's " +
                       "for all of 20 million lane pairs tried, and a stray ulp would still have to cross a threshold or a level: exact"),
        ["frost"] = new("all but the needles' cos/sin/exp and the grain's normals (KMath, ~1e-15 relative) is the host's arithmetic; " +
                        "the texture is rounded to 8-bit levels before the blend, so a byte moves only within ~1e-12 of a half. " +
                        "Measured: 0 differing in 6.1 million values"),
        ["fog"] = new("the plasma map, its rescaling and the blend are the host's double arithmetic in its order; min/max are exact in any order"),
        ["brightness"] = new("no transcendental: the host's RGB/HSV round trip in double, in its order"),
        ["contrast"] = new("the plane mean summed in the host's order by one thread: exact"),
        ["saturate"] = new("no transcendental: the host's RGB/HSV round trip in double, in its order"),
        ["elastic_transform"] = new("noise, blur, warpAffine and map_coordinates in the host's double and float32 arithmetic and order; the affine is the host's own"),
        ["pixelate"] = new("Pillow's box resize in fixed point with the host's weights: integer arithmetic"),
        ["jpeg_compression"] = new("colour conversion, downsampling, islow DCT, quantisation, IDCT and fancy upsampling are the host's integer " +
                                   "arithmetic; the skipped Huffman stage is lossless. Extra shapes: partial MCUs, odd chroma sizes, edge replication",
            MoreShapes: [new(3, 27, 21), new(3, 8, 9), new(1, 13, 30)]),
        ["spatter"] = new("every pass is the host's arithmetic in its types and order (Canny, distance transform, equalisation in integers " +
                          "or the host's float steps); only the layer's normals go through KMath (see snow). 24 images a case so that " +
                          "Canny's hysteresis and the equalisation's ties occur; 27 × 21 ends in a partial Philox block, width 8 hits every border case",
            Images: 24, MoreShapes: [new(3, 27, 21), new(1, 8, 13)]),
    };

    private static readonly ImageShape[] Shapes = [new(3, 32, 32), new(1, 28, 28), new(3, 20, 36), new(1, 36, 20)];

    public static TheoryData<string, int, int, int, int> Cases()
    {
        var data = new TheoryData<string, int, int, int, int>();
        foreach (var c in Corruptions.All)
            foreach (var shape in Shapes.Concat(Expected[c.Name].MoreShapes ?? []))
            {
                if (shape.C == 1 && !c.SupportsGray) continue;
                for (int s = 1; s <= Corruptions.Severities; s++) data.Add(c.Name, s, shape.C, shape.H, shape.W);
            }
        return data;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void KernelGivesTheHostBytes(string name, int severity, int c, int h, int w)
    {
        var e = Expected[name];
        CorruptionAgreement.AssertAgree(name, severity, new ImageShape(c, h, w), e.MaxDiffering, e.Images);
    }

    [Fact]
    public void EveryCorruptionHasKernelsAndAStatedTolerance()
    {
        Assert.Equal(Corruptions.Names, GpuCorruptions.Names);
        Assert.Equal(Corruptions.Names.Order(), Expected.Keys.Order());
    }

    [Fact]
    public void SaturateHasNoGreyKernelAndRefusesGrey()
    {
        var saturate = Corruptions.Get("saturate");
        var grey = new ImageShape(1, 28, 28);
        Assert.False(CorruptionAgreement.Kernels.Supports(saturate, grey));
        Assert.Throws<InputException>(() => CorruptionAgreement.Kernels.ApplyBytes(saturate, 1, new byte[grey.Size], 1, grey, 0));
    }
}
