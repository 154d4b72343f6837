namespace FastRobust.Data;

/// <summary>
/// Per-channel mean and standard deviation of the training images (the normalize layer of generated models): the
/// customary constants for CIFAR-10 and MNIST, computed from the training images (float64) for an image folder.
/// </summary>
public static class DatasetStats
{
    public static (float[] Mean, float[] Std) For(string dataset, Dataset train) => dataset switch
    {
        "cifar10" => ([0.4914f, 0.4822f, 0.4465f], [0.2470f, 0.2435f, 0.2616f]),
        "mnist" => ([0.1307f], [0.3081f]),
        _ => Compute(train),
    };

    /// <summary>Mean and (population) standard deviation of each channel over every pixel of every image.</summary>
    public static (float[] Mean, float[] Std) Compute(Dataset data)
    {
        int plane = data.H * data.W;
        var mean = new float[data.C];
        var std = new float[data.C];
        for (int c = 0; c < data.C; c++)
        {
            double sum = 0, sumSq = 0;
            for (int i = 0; i < data.N; i++)
                foreach (float v in data.Image(i).Slice(c * plane, plane))
                {
                    sum += v;
                    sumSq += (double)v * v;
                }
            double count = (double)data.N * plane, m = sum / count;
            mean[c] = (float)m;
            // a constant channel would divide by zero in the normalize layer
            std[c] = (float)Math.Max(Math.Sqrt(Math.Max(sumSq / count - m * m, 0)), 1e-3);
        }
        return (mean, std);
    }

    /// <summary>
    /// The augmentation "auto" stands for: crop and flip for colour images (CIFAR-10, a colour image folder), none for
    /// greyscale digits, where a flip changes the class.
    /// </summary>
    public static bool AutoAugments(Dataset train) => train.C == 3;
}
