namespace FastRobust.Gpu.Agreement;

/// <summary>
/// One agreement check: a body that runs the same work on the cpu backend and on the GPU backend of its
/// <see cref="Checker"/> and compares, throwing <see cref="AgreementFailure"/> on a difference.
/// </summary>
/// <param name="Name">unique; the test's display name and the gpu-selftest line</param>
/// <param name="Covers">the <see cref="Tensors.Backend"/> methods the body calls on both backends and compares (the
/// every-method test holds the case list to Backend's public abstract and virtual methods)</param>
/// <param name="Body">the check</param>
public sealed record AgreementCase(string Name, IReadOnlyList<string> Covers, Action<Checker> Body)
{
    public override string ToString() => Name;
}
