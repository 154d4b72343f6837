using FastRobust.Gpu.Agreement;
using Xunit;

namespace FastRobust.Gpu.Tests.Harness;

/// <summary>
/// Every agreement case (src/FastRobust.Gpu/Agreement) as one test on ilgpu-cpu, at a quarter of the random sizes the
/// gpu-selftest verb uses on CUDA. The seed is the clock's unless FASTROBUST_TEST_SEED is set; a failure names it.
/// </summary>
public class AgreementTests
{
    public static TheoryData<string> Cases() => new(AgreementCases.All.Select(c => c.Name));

    [Theory]
    [MemberData(nameof(Cases))]
    public void GpuAgreesWithCpu(string name)
    {
        var c = AgreementCases.Named(name);
        var checker = new Checker(Tests.Agreement.IlgpuCpu, Tests.Agreement.TestSeed(), scale: 0.25);
        c.Body(checker);
    }
}
