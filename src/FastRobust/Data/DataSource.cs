namespace FastRobust.Data;

/// <summary>
/// Where <see cref="DataLocator"/> found a split: the folder and the files to read (CIFAR-10: the batches in
/// order; MNIST: images then labels).
/// </summary>
public sealed record DataSource(string Name, string Split, string Directory, IReadOnlyList<string> Files)
{
    public Dataset Load() => Name switch
    {
        "cifar10" => Cifar10Reader.Read(Files, $"cifar10-{Split}"),
        "mnist" => MnistReader.Read(Files[0], Files[1], $"mnist-{Split}"),
        _ => throw new InvalidOperationException($"no reader for dataset '{Name}'"),
    };
}
