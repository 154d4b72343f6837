using System.Runtime.InteropServices;

namespace FastRobust.Study;

/// <summary>
/// Stops a study cleanly on SIGTERM or SIGUSR1 — what Slurm sends before a time limit (--signal), on preemption
/// and on scancel. After the signal no new unit starts; the unit in progress may still finish within the grace
/// period, else the process exits at once and leaves it unfinished (no done.json), so a resumed or requeued run
/// redoes it. Every file a unit writes is written atomically, so exiting at any moment leaves nothing half-written.
/// </summary>
public sealed class StudyStop : IDisposable
{
    /// <summary>The exit code of a study that stopped on a signal with units left: "resume me" (the Slurm task requeues itself on it).</summary>
    public const int ExitCode = 3;
    /// <summary>How long the unit in progress may take to finish after the signal before it is abandoned.</summary>
    public static readonly TimeSpan DefaultGrace = TimeSpan.FromSeconds(120);

    /// <summary>Linux's SIGUSR1 (PosixSignal names only the portable signals; raw numbers are accepted).</summary>
    private const int SigUsr1 = 10;

    private readonly List<PosixSignalRegistration> _registrations = [];
    private readonly TimeSpan _grace;
    private readonly Action<string> _log;
    private volatile bool _requested;
    private volatile bool _inUnit;
    private Timer? _deadline;

    /// <summary>Called when the grace period ends with a unit still running, just before the process exits.</summary>
    public Action? Abandon { get; set; }

    private StudyStop(TimeSpan grace, Action<string> log) => (_grace, _log) = (grace, log);

    /// <summary>A stop that is requested only by <see cref="Request"/> (library use, tests).</summary>
    public static StudyStop Manual() => new(DefaultGrace, _ => { });

    /// <summary>Listens for SIGTERM and (on Linux) SIGUSR1 until disposed.</summary>
    public static StudyStop OnSignals(TimeSpan grace, Action<string> log)
    {
        var stop = new StudyStop(grace, log);
        stop._registrations.Add(PosixSignalRegistration.Create(PosixSignal.SIGTERM, stop.OnSignal));
        if (OperatingSystem.IsLinux()) stop._registrations.Add(PosixSignalRegistration.Create((PosixSignal)SigUsr1, stop.OnSignal));
        return stop;
    }

    public bool Requested => _requested;

    private void OnSignal(PosixSignalContext context)
    {
        context.Cancel = true; // no default termination: the runner stops between units
        Request($"signal {(int)context.Signal switch { SigUsr1 => "USR1", _ => context.Signal.ToString() }}");
    }

    public void Request(string why)
    {
        if (_requested) return;
        _requested = true;
        if (!_inUnit)
        {
            _log($"{why}: stopping (no unit in progress)");
            return;
        }
        _log($"{why}: stopping after the unit in progress if it finishes within {_grace.TotalSeconds:F0} s, else abandoning it");
        _deadline = new Timer(_ => Expire(), null, _grace, Timeout.InfiniteTimeSpan);
    }

    /// <summary>The runner brackets each unit with these, so the stop knows whether there is a unit to wait for.</summary>
    public void UnitStarted() => _inUnit = true;
    public void UnitEnded() => _inUnit = false;

    private void Expire()
    {
        if (!_inUnit) return;
        _log("grace period over: abandoning the unit in progress (a resumed run redoes it)");
        Abandon?.Invoke();
        Environment.Exit(ExitCode);
    }

    public void Dispose()
    {
        _deadline?.Dispose();
        foreach (var r in _registrations) r.Dispose();
    }
}
