namespace FastRobust.Tensors;

/// <summary>Whether ops record themselves on the autograd tape (on by default, per thread).</summary>
public static class GradMode
{
    [ThreadStatic] private static bool _disabled;

    public static bool Enabled => !_disabled;

    /// <summary>using (GradMode.NoGrad()) { ... }: inference and weight updates record nothing.</summary>
    public static IDisposable NoGrad() => new Restore(true);

    public static IDisposable WithGrad() => new Restore(false);

    private sealed class Restore : IDisposable
    {
        private readonly bool _previous;

        public Restore(bool disable)
        {
            _previous = _disabled;
            _disabled = disable;
        }

        public void Dispose() => _disabled = _previous;
    }
}
