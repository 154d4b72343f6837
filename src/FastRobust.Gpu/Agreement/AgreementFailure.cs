namespace FastRobust.Gpu.Agreement;

/// <summary>A value on the GPU backend that differs from the cpu backend's beyond what the check allows.</summary>
public sealed class AgreementFailure(string message) : Exception(message);
