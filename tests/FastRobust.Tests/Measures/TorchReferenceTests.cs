using FastRobust.Measures;
using FastRobust.Nn;
using FastRobust.Tensors;
using Xunit;

namespace FastRobust.Tests.Measures;

/// <summary>
/// Every performance, margin, norm and path-norm value against the PyTorch/numpy float64 reference of
/// Fixtures/measures_make_fixtures.py on the same weights: relative error at most 1e-4.
/// </summary>
public sealed class TorchReferenceTests
{
    private static readonly Lazy<MeasureResults> Results = new(() =>
    {
        using var model = Model.Load(MeasureTestData.SpecPath, MeasureTestData.WeightsPath, Device.Cpu);
        using var init = Model.Load(MeasureTestData.SpecPath, MeasureTestData.InitPath, Device.Cpu);
        return MeasureSuite.Compute(model, MeasureTestData.FixtureData(), new MeasureOptions { Sharpness = false }, init);
    });

    public static TheoryData<string> Names()
    {
        var d = new TheoryData<string>();
        foreach (var k in MeasureTestData.Expected().Keys.Order(StringComparer.Ordinal)) d.Add(k);
        return d;
    }

    [Theory]
    [MemberData(nameof(Names))]
    public void Agrees_with_pytorch(string name)
    {
        double want = MeasureTestData.Expected()[name];
        Assert.True(Results.Value.TryGet(name, out double got), $"measure '{name}' missing");
        double err = Math.Abs(got - want) / Math.Max(Math.Abs(want), 1e-3);
        Assert.True(err <= 1e-4, $"{name}: got {got:R}, PyTorch {want:R} (relative error {err:E2})");
    }

    [Fact]
    public void Reports_the_strided_conv_without_an_fft_norm_and_every_group()
    {
        var r = Results.Value;
        Assert.True(double.IsNaN(r["layer7.spec_fft"])); // Sedghi et al.'s method needs stride 1
        Assert.Contains(r.Values, v => v.Group == PerformanceMeasures.Group);
        Assert.Contains(r.Values, v => v.Group == NormMeasures.Group);
        var table = r.ToTable("m1");
        Assert.Equal(r.Count, table.Rows);
        Assert.Equal(["model", "measure", "value", "group", "reference", "options", "status"], table.ColumnNames);
        Assert.Contains("eq. 31", r.Values.First(v => v.Name == "log_prod_of_spec_over_margin").Reference);
    }
}
