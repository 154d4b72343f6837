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

    /// <summary>Per-channel mean and (population) standard deviation of a set's images, for sets with no published figures.</summary>
    public static (float[] Mean, float[] Std) Compute(Dataset data)
    {
        int hw = data.H * data.W;
        var mean = new float[data.C];
        var std = new float[data.C];
        for (int c = 0; c < data.C; c++)
        {
            double sum = 0, sq = 0;
            for (int i = 0; i < data.N; i++)
            {
                var plane = data.Image(i).Slice(c * hw, hw);
                foreach (float v in plane) { sum += v; sq += (double)v * v; }
            }
            double n = (double)data.N * hw, m = sum / n;
            mean[c] = (float)m;
            std[c] = (float)Math.Max(Math.Sqrt(Math.Max(sq / n - m * m, 0)), 1e-6);
        }
        return (mean, std);
    }
}
