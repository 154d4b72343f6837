using FastRobust.Gpu.Agreement;
using FastRobust.Tensors;
using Xunit;

namespace FastRobust.Gpu.Tests;

/// <summary>
/// The CLI's hidden gpu-selftest (what bench/gpu-check.sh runs on CUDA) runs the agreement cases that AgreementTests
/// runs one by one; here its report: one line per case, a failure with its message and seed, the closing count.
/// </summary>
public class SelfTestTests
{
    [Fact]
    public void OneLinePerCaseAndTheClosingCount()
    {
        var cases = new AgreementCase[]
        {
            AgreementCases.Named("affine, axpby, clamp and its backward"),
            new("a case that finds a difference", [], t => t.Close([1f, 2f], [1f, 2.5f], "values")),
            new("a case that throws", [], _ => throw new InvalidOperationException("broken")),
        };
        var log = new StringWriter();
        var (passed, failed) = SelfTest.Run(Agreement.IlgpuCpu, 41, log, cases, scale: 0.25);
        var lines = log.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        Assert.Equal((1, 2), (passed, failed));
        Assert.Equal(4, lines.Length);
        Assert.StartsWith("ok   affine, axpby, clamp and its backward (", lines[0]);
        Assert.Equal("FAIL a case that finds a difference: values[1]: cpu 2, ilgpu-cpu 2.5, relative error 2.50E-001 > 1E-004 (seed 42)", lines[1]);
        Assert.Equal("FAIL a case that throws: InvalidOperationException: broken (seed 43)", lines[2]);
        Assert.Equal("1 passed, 2 failed", lines[3]);
    }

    [SkippableFact]
    public void CudaWithoutAGpuIsAClearInputError()
    {
        GpuDevices.Register();
        Skip.If(Device.CudaAvailable(), "this machine has a CUDA GPU, so asking for cuda is no error here");
        var e = Assert.Throws<FastRobust.Util.InputException>(() => Device.Parse("cuda"));
        Assert.Contains("no CUDA", e.Message);
        Assert.Same(Device.Cpu, Device.Parse("auto"));
    }

    [Fact]
    public void TheVerbWritesItsUsageAndErrorsToTheInvocationsWriters()
    {
        var (output, error) = (new StringWriter(), new StringWriter());
        Assert.Equal(2, SelfTest.Main(["--bogus"], output, error));
        Assert.Equal("", output.ToString());
        Assert.Equal("usage: gpu-selftest [--device cuda|ilgpu-cpu] [--seed N]", error.ToString().Trim());

        (output, error) = (new StringWriter(), new StringWriter());
        Assert.Equal(2, SelfTest.Main(["--device", "no-such-device"], output, error));
        Assert.Equal("", output.ToString());
        Assert.StartsWith("error: ", error.ToString());
        Assert.Contains("no-such-device", error.ToString());
    }
}
