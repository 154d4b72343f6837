using System.Collections.Concurrent;
using System.Globalization;
using BenchmarkDotNet.Analysers;
using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Diagnosers;
using BenchmarkDotNet.Engines;
using BenchmarkDotNet.Exporters;
using BenchmarkDotNet.Loggers;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;
using BenchmarkDotNet.Validators;

namespace FastRobust.Bench;

/// <summary>
/// Adds three metrics to every benchmark — columns in the table and "Metrics" in the JSON export:
/// GFLOP/s and img/s (the work the benchmark class declares, over the mean time of an operation) and
/// NativeAllocs/op (blocks the memory pools had to take from the OS or the GPU driver per operation in the steady
/// state: 0 when every activation is a pool hit; BenchmarkDotNet's Allocated column counts managed memory only). The pool count crosses from the benchmark process through a file whose path
/// the diagnoser puts in that process's environment.
/// </summary>
public sealed class WorkloadDiagnoser : IDiagnoser
{
    public static readonly WorkloadDiagnoser Default = new();

    private readonly ConcurrentDictionary<BenchmarkCase, string> _reports = new();

    public IEnumerable<string> Ids => [nameof(WorkloadDiagnoser)];
    public IEnumerable<IExporter> Exporters => [];
    public IEnumerable<IAnalyser> Analysers => [];

    public RunMode GetRunMode(BenchmarkCase benchmarkCase) => RunMode.NoOverhead;

    public void Handle(HostSignal signal, DiagnoserActionParameters parameters)
    {
        if (signal != HostSignal.BeforeProcessStart || parameters.Process == null) return;
        string path = Path.Combine(Path.GetTempPath(), $"fastrobust-bench-pool-{Guid.NewGuid():N}.txt");
        _reports[parameters.BenchmarkCase] = path;
        parameters.Process.StartInfo.Environment[DeviceBenchmark.ReportVariable] = path;
    }

    public IEnumerable<Metric> ProcessResults(DiagnoserResults results)
    {
        var metrics = new List<Metric>();
        var bc = results.BenchmarkCase;
        var perOp = results.Measurements
            .Where(m => m.IterationMode == IterationMode.Workload && m.IterationStage == IterationStage.Result && m.Operations > 0)
            .Select(m => m.Nanoseconds / m.Operations)
            .ToList();
        var work = WorkOf(bc);
        if (perOp.Count > 0 && work is { } w)
        {
            double seconds = perOp.Average() * 1e-9;
            if (double.IsFinite(w.Flops)) metrics.Add(new Metric(GflopsDescriptor.Instance, w.Flops / seconds * 1e-9));
            if (double.IsFinite(w.Images)) metrics.Add(new Metric(ImagesDescriptor.Instance, w.Images / seconds));
        }
        if (_reports.TryRemove(bc, out var path) && File.Exists(path))
        {
            var parts = File.ReadAllText(path).Split(' ', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
            File.Delete(path);
            if (parts.Length == 2 && long.TryParse(parts[0], CultureInfo.InvariantCulture, out long allocs)
                && long.TryParse(parts[1], CultureInfo.InvariantCulture, out long ops) && ops > 0)
                metrics.Add(new Metric(NativeAllocsDescriptor.Instance, (double)allocs / ops));
        }
        return metrics;
    }

    /// <summary>The work of one invocation, asked of a fresh instance of the benchmark class with this case's parameters.</summary>
    public static Work? WorkOf(BenchmarkCase bc)
    {
        var type = bc.Descriptor.Type;
        if (!typeof(IHasWork).IsAssignableFrom(type)) return null;
        var instance = (IHasWork)Activator.CreateInstance(type)!;
        foreach (var p in bc.Parameters.Items)
            type.GetProperty(p.Name)?.SetValue(instance, p.Value);
        return instance.WorkOf(bc.Descriptor.WorkloadMethod.Name);
    }

    public void DisplayResults(ILogger logger) { }

    public IEnumerable<ValidationError> Validate(ValidationParameters validationParameters) => [];

    private abstract class Descriptor : IMetricDescriptor
    {
        public abstract string Id { get; }
        public abstract string DisplayName { get; }
        public abstract string Legend { get; }
        public abstract string NumberFormat { get; }
        public UnitType UnitType => UnitType.Dimensionless;
        public abstract string Unit { get; }
        public abstract bool TheGreaterTheBetter { get; }
        public int PriorityInCategory => 0;
        public bool GetIsAvailable(Metric metric) => true;
    }

    private sealed class GflopsDescriptor : Descriptor
    {
        public static readonly GflopsDescriptor Instance = new();
        public override string Id => "GFLOP/s";
        public override string DisplayName => "GFLOP/s";
        public override string Legend => "Multiply-add work of the convolutions, GEMMs and linear layers (2 FLOPs per multiply-add) per second of the mean operation";
        public override string NumberFormat => "0.0";
        public override string Unit => "GFLOP/s";
        public override bool TheGreaterTheBetter => true;
    }

    private sealed class ImagesDescriptor : Descriptor
    {
        public static readonly ImagesDescriptor Instance = new();
        public override string Id => "img/s";
        public override string DisplayName => "img/s";
        public override string Legend => "Images through the operation per second (for an ensemble: image × member evaluations)";
        public override string NumberFormat => "0";
        public override string Unit => "img/s";
        public override bool TheGreaterTheBetter => true;
    }

    private sealed class NativeAllocsDescriptor : Descriptor
    {
        public static readonly NativeAllocsDescriptor Instance = new();
        public override string Id => "NativeAllocs/op";
        public override string DisplayName => "NativeAllocs/op";
        public override string Legend => "Blocks the memory pools took from the OS (CPU) or the driver (GPU) per operation after 2 warm-up invocations (0: every buffer reused)";
        public override string NumberFormat => "0.###";
        public override string Unit => "blocks";
        public override bool TheGreaterTheBetter => false;
    }
}
