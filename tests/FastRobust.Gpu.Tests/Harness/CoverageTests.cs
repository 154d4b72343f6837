using System.Reflection;
using FastRobust.Attacks;
using FastRobust.Gpu.Agreement;
using FastRobust.Measures;
using FastRobust.Tensors;
using Xunit;

namespace FastRobust.Gpu.Tests.Harness;

/// <summary>What the agreement cases must cover: every Backend method, every attack of the registry, every measure.</summary>
public class CoverageTests
{
    /// <summary>The public abstract and virtual methods (and property getters, by the property's name) of Backend.</summary>
    public static IReadOnlyList<string> BackendMethods() =>
        typeof(Backend).GetMethods(BindingFlags.Public | BindingFlags.Instance | BindingFlags.DeclaredOnly)
            .Where(m => m.IsAbstract || m.IsVirtual)
            .Select(m => m.IsSpecialName && m.Name.StartsWith("get_", StringComparison.Ordinal) ? m.Name[4..] : m.Name)
            .Distinct()
            .Order()
            .ToList();

    [Fact]
    public void EveryBackendMethodHasAnAgreementCase()
    {
        var covered = AgreementCases.All.SelectMany(c => c.Covers).ToHashSet();
        var missing = BackendMethods().Where(m => !covered.Contains(m)).ToList();
        Assert.True(missing.Count == 0, $"Backend methods without an agreement case: {string.Join(", ", missing)}");
        Assert.True(BackendMethods().Count > 40, $"{BackendMethods().Count} Backend methods found by reflection");
    }

    [Fact]
    public void EveryCoveredNameIsABackendMethod()
    {
        var methods = BackendMethods().ToHashSet();
        var unknown = AgreementCases.All.SelectMany(c => c.Covers.Where(m => !methods.Contains(m)).Select(m => $"{m} (in '{c.Name}')")).ToList();
        Assert.True(unknown.Count == 0, $"agreement cases declare names that are not Backend methods: {string.Join(", ", unknown)}");
    }

    [Fact]
    public void EveryAttackOfTheRegistryHasAnAgreementCase()
    {
        var missing = AttackRegistry.Names.Where(n => !AttackCases.Settings.ContainsKey(n)).ToList();
        Assert.True(missing.Count == 0, $"attacks without agreement settings (AttackCases.Settings): {string.Join(", ", missing)}");
        var stale = AttackCases.Settings.Keys.Where(n => !AttackRegistry.Names.Contains(n)).ToList();
        Assert.True(stale.Count == 0, $"agreement settings for attacks the registry does not have: {string.Join(", ", stale)}");
        foreach (string name in AttackRegistry.Names)
            Assert.Contains(AgreementCases.All, c => c.Name.StartsWith($"attack {name} ", StringComparison.Ordinal));
    }

    /// <summary>The measure case shrinks sizes only: every switch of what to compute is as in a default run, so it computes every measure.</summary>
    [Fact]
    public void TheMeasureCaseComputesEveryMeasure()
    {
        var defaults = new MeasureOptions();
        var changed = typeof(MeasureOptions).GetProperties()
            .Where(p => p.PropertyType == typeof(bool) && !Equals(p.GetValue(defaults), p.GetValue(MeasureCases.Options)))
            .Select(p => p.Name).ToList();
        Assert.True(changed.Count == 0, $"the measure case switches {string.Join(", ", changed)} away from the default");
        Assert.Contains(AgreementCases.All, c => c.Name.StartsWith("measures:", StringComparison.Ordinal));
    }
}
