namespace FastRobust.Data;

/// <summary>Per-channel mean and standard deviation of the training images (the normalize layer of generated models).</summary>
public static class DatasetStats
{
    public static (float[] Mean, float[] Std) For(string dataset) => dataset switch
    {
        "cifar10" => ([0.4914f, 0.4822f, 0.4465f], [0.2470f, 0.2435f, 0.2616f]),
        "mnist" => ([0.1307f], [0.3081f]),
        _ => throw new ArgumentException($"no statistics for dataset '{dataset}'"),
    };
}
