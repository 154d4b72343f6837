namespace FastRobust.Gpu.Agreement;

/// <summary>
/// Every agreement case: each backend op on random shapes with poisoned outputs, training and PGD on a tiny model, every
/// attack of the registry, every measure, every corruption kernel. The gpu-selftest verb runs them on CUDA; the test
/// suite runs each as one test on ilgpu-cpu.
/// </summary>
public static class AgreementCases
{
    public static IReadOnlyList<AgreementCase> All { get; } = Build();

    private static IReadOnlyList<AgreementCase> Build()
    {
        var all = MemoryCases.All()
            .Concat(ElementwiseCases.All())
            .Concat(ReduceLossCases.All())
            .Concat(RandomOptimCases.All())
            .Concat(PoolNormCases.All())
            .Concat(GemmConvCases.All())
            .Concat(ModelCases.All())
            .Concat(AttackCases.All())
            .Concat(MeasureCases.All())
            .Concat(CorruptionCases.All())
            .ToList();
        var twice = all.GroupBy(c => c.Name).FirstOrDefault(g => g.Count() > 1);
        if (twice != null) throw new InvalidOperationException($"two agreement cases are named '{twice.Key}'");
        return all;
    }

    public static AgreementCase Named(string name) =>
        All.FirstOrDefault(c => c.Name == name) ?? throw new ArgumentException($"no agreement case '{name}'");
}
