using FastRobust.Data;
using FastRobust.Nn;
using FastRobust.Random;
using FastRobust.Training;

namespace FastRobust.Measures;

/// <summary>
/// The images a sharpness search evaluates: a random subset of the measured set (drawn with the seed, in random
/// order, so any prefix is itself a random sample), and the unperturbed model's accuracy on it, the reference the
/// deviation is measured from.
/// </summary>
public sealed class SharpnessData
{
    public const ulong SubsetStream = 0x5348_5355_4253; // "SHSUBS"

    private SharpnessData(Dataset set, double accuracy, int[] correct)
    {
        Set = set;
        Accuracy = accuracy;
        CleanCorrect = correct;
    }

    public Dataset Set { get; }

    /// <summary>The unperturbed model's accuracy on <see cref="Set"/>.</summary>
    public double Accuracy { get; }

    /// <summary>Per image: 1 when the unperturbed model classifies it correctly.</summary>
    public int[] CleanCorrect { get; }

    public int N => Set.N;

    public static SharpnessData Create(Model model, Dataset data, int images, ulong seed, int batch)
    {
        var order = new PhiloxStream(seed, SubsetStream).Permutation(data.N);
        var set = data.Subset(order.AsSpan(0, Math.Min(images, data.N)).ToArray(), data.Name + " (sharpness subset)");
        return ForSet(model, set, batch);
    }

    /// <summary>Uses <paramref name="set"/> as it is, in its own order.</summary>
    public static SharpnessData ForSet(Model model, Dataset set, int batch)
    {
        var logits = BatchedInference.Logits(model, set.Images, set.N, batch);
        int k = model.Spec.Classes;
        var correct = new int[set.N];
        for (int i = 0; i < set.N; i++)
        {
            var row = logits.AsSpan(i * k, k);
            int best = 0;
            for (int j = 1; j < k; j++) if (row[j] > row[best]) best = j;
            correct[i] = best == set.Labels[i] ? 1 : 0;
        }
        return new SharpnessData(set, (double)correct.Sum() / Math.Max(1, set.N), correct);
    }
}
