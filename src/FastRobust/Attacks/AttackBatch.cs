using FastRobust.Nn;
using FastRobust.Random;
using FastRobust.Tensors;

namespace FastRobust.Attacks;

/// <summary>
/// One batch being attacked: the clean images and labels on the device, which rows are attacked and towards what,
/// and the per-sample counters an attack fills in. The attack writes each finished row into <see cref="Adversarial"/>
/// (which starts as a copy of the clean images).
/// </summary>
internal sealed class AttackBatch : IDisposable
{
    public AttackBatch(Model model, Tensor x, int[] labels, int[]? targets, int[] cleanPrediction, float[] cleanLogits,
        long firstIndex, AttackOptions options, PhiloxStream rng)
        : this(model, x, labels, targets, cleanPrediction, cleanLogits, firstIndex, options, rng,
            RowsToAttack(labels, targets, cleanPrediction, options))
    {
    }

    // every sample with AllSamples; else those not yet adversarial: correct (untargeted) or not yet the target
    private static int[] RowsToAttack(int[] labels, int[]? targets, int[] cleanPrediction, AttackOptions options)
    {
        var rows = new List<int>();
        for (int i = 0; i < labels.Length; i++)
            if (options.AllSamples || (targets is null ? cleanPrediction[i] == labels[i] : cleanPrediction[i] != targets[i])) rows.Add(i);
        return rows.ToArray();
    }

    /// <summary>The same samples with other settings, attacking only <paramref name="rows"/> (an ensemble's member on the samples still robust).</summary>
    public AttackBatch Subset(int[] rows, AttackOptions options) =>
        new(Model, X, Labels, Targets, CleanPrediction, CleanLogits, FirstIndex, options, Rng, rows);

    private AttackBatch(Model model, Tensor x, int[] labels, int[]? targets, int[] cleanPrediction, float[] cleanLogits,
        long firstIndex, AttackOptions options, PhiloxStream rng, int[] rows)
    {
        Model = model;
        X = x;
        Labels = labels;
        Targets = targets;
        CleanPrediction = cleanPrediction;
        CleanLogits = cleanLogits;
        FirstIndex = firstIndex;
        Options = options;
        Rng = rng;
        int n = labels.Length;
        Steps = new int[n];
        Queries = new long[n];
        Gradients = new long[n];
        Adversarial = x.Clone().KeepAlive();
        AttackedRows = rows;
    }

    public Model Model { get; }
    public Device Device => Model.Device;
    public Backend B => Model.Device.Backend;

    /// <summary>Clean images [n, C, H, W].</summary>
    public Tensor X { get; }
    public int N => Labels.Length;
    public int[] Labels { get; }
    public int[]? Targets { get; }
    public bool Targeted => Targets is not null;
    public int Classes => Model.Spec.Classes;

    /// <summary>The class the loss is about: the target when targeted, else the label.</summary>
    public int Goal(int row) => Targets?[row] ?? Labels[row];

    public int[] CleanPrediction { get; }

    /// <summary>Clean logits [n, classes] on the host.</summary>
    public float[] CleanLogits { get; }

    /// <summary>Global index of row 0 (the sample index that keys per-sample randomness).</summary>
    public long FirstIndex { get; }
    public long GlobalIndex(int row) => FirstIndex + row;

    public AttackOptions Options { get; }
    public PhiloxStream Rng { get; }

    /// <summary>Rows whose clean prediction is not yet adversarial (every row with AllSamples); the others are left as they are.</summary>
    public int[] AttackedRows { get; }

    /// <summary>The returned images [n, C, H, W]; each attack writes its rows here.</summary>
    public Tensor Adversarial { get; }

    public int[] Steps { get; }
    public long[] Queries { get; }
    public long[] Gradients { get; }

    /// <summary>Values per image, C·H·W.</summary>
    public int ImageSize => X.Shape[1] * X.Shape[2] * X.Shape[3];
    public int C => X.Shape[1];
    public int H => X.Shape[2];
    public int W => X.Shape[3];

    /// <summary>Is this prediction adversarial for the row (differs from the label, or equals the target)?</summary>
    public bool IsAdversarial(int row, int prediction) =>
        Targets is null ? prediction != Labels[row] : prediction == Targets[row];

    public void Dispose() => Adversarial.Dispose();
}
