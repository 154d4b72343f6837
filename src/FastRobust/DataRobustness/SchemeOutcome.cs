using FastRobust.Tables;
using FastRobust.Util;

namespace FastRobust.DataRobustness;

/// <summary>
/// The random scheme's verdict on each image of a set: its clean prediction, and, for the correctly classified ones,
/// the step at which a perturbed copy was first misclassified (its steps-to-flip) or that none of MAX_STEPS was.
/// An image is robust when it was classified correctly and survived every step; a clean-misclassified image is
/// neither perturbed nor robust.
/// </summary>
public sealed class SchemeOutcome
{
    public SchemeOutcome(int[] labels, int[] cleanPrediction, int[] stepsToFlip, int[] flipPrediction, int maxSteps)
    {
        int n = labels.Length;
        if (cleanPrediction.Length != n || stepsToFlip.Length != n || flipPrediction.Length != n)
            throw new ArgumentException("every per-sample array needs one entry per image");
        (Labels, CleanPrediction, StepsToFlip, FlipPrediction, MaxSteps) = (labels, cleanPrediction, stepsToFlip, flipPrediction, maxSteps);
    }

    public int[] Labels { get; }
    public int[] CleanPrediction { get; }

    /// <summary>1-based step of the first misclassified perturbation; 0 when none was (robust, or never perturbed).</summary>
    public int[] StepsToFlip { get; }

    /// <summary>The class predicted at the flip; −1 when there was none.</summary>
    public int[] FlipPrediction { get; }

    public int MaxSteps { get; }
    public int N => Labels.Length;

    public bool Correct(int i) => CleanPrediction[i] == Labels[i];
    public bool Flipped(int i) => StepsToFlip[i] > 0;
    public bool Robust(int i) => Correct(i) && !Flipped(i);

    /// <summary>Perturbed predictions that stayed correct: MAX_STEPS when robust, one fewer than the flip step, 0 when misclassified.</summary>
    public int StepsSurvived(int i) => !Correct(i) ? 0 : Flipped(i) ? StepsToFlip[i] - 1 : MaxSteps;

    public double Accuracy => N == 0 ? double.NaN : Enumerable.Range(0, N).Count(Correct) / (double)N;

    /// <summary>Forward passes of perturbed images the scheme made: the steps of every correctly classified image.</summary>
    public long PerturbedForwards => Enumerable.Range(0, N).Where(Correct).Sum(i => (long)(Flipped(i) ? StepsToFlip[i] : MaxSteps));

    /// <summary>Robust images as a fraction of all images (clean-misclassified ones count as not robust).</summary>
    public double RobustFraction => N == 0 ? double.NaN : Enumerable.Range(0, N).Count(Robust) / (double)N;

    /// <summary>
    /// The survival curve: entry s (0 … MAX_STEPS) is the fraction of all images classified correctly and not yet
    /// flipped after s perturbation steps; entry 0 is the clean accuracy, the last the robust fraction.
    /// </summary>
    public double[] Survival()
    {
        var flipsAt = new int[MaxSteps + 2];
        int correct = 0;
        for (int i = 0; i < N; i++)
        {
            if (!Correct(i)) continue;
            correct++;
            if (Flipped(i)) flipsAt[StepsToFlip[i]]++;
        }
        var curve = new double[MaxSteps + 1];
        int alive = correct;
        for (int s = 0; s <= MaxSteps; s++)
        {
            alive -= flipsAt[s];
            curve[s] = N == 0 ? double.NaN : alive / (double)N;
        }
        return curve;
    }

    /// <summary>Robust images per class (classes 0 … classes−1).</summary>
    public int[] RobustPerClass(int classes)
    {
        var counts = new int[classes];
        for (int i = 0; i < N; i++) if (Robust(i)) counts[Labels[i]]++;
        return counts;
    }

    /// <summary>The per-sample table (columns in docs/data-robustness.md).</summary>
    public Table ToTable()
    {
        var idx = Enumerable.Range(0, N);
        return new Table()
            .Add("index", idx.Select(i => (long)i).ToArray())
            .Add("label", Labels.Select(v => (long)v).ToArray())
            .Add("clean_prediction", CleanPrediction.Select(v => (long)v).ToArray())
            .Add("correct", idx.Select(Correct).ToArray())
            .Add("flipped", idx.Select(Flipped).ToArray())
            .Add("robust", idx.Select(Robust).ToArray())
            .Add("steps_to_flip", idx.Select(i => Flipped(i) ? (double?)StepsToFlip[i] : null).ToArray())
            .Add("steps_survived", idx.Select(i => (long)StepsSurvived(i)).ToArray())
            .Add("flip_prediction", FlipPrediction.Select(v => (long)v).ToArray())
            .Add("max_steps", idx.Select(_ => (long)MaxSteps).ToArray());
    }

    /// <summary>Reads a table written by <see cref="ToTable"/>.</summary>
    public static SchemeOutcome Read(string path)
    {
        var t = Table.Read(path);
        foreach (var c in new[] { "label", "clean_prediction", "steps_to_flip", "flip_prediction", "max_steps" })
            if (!t.Has(c)) throw new InputException($"{path}: no column '{c}' (not a per-sample table of the random scheme)");
        int[] Ints(string name) => ((long[])t.Column(name)).Select(v => (int)v).ToArray();
        var steps = ((double?[])t.Column("steps_to_flip")).Select(v => v is double d ? (int)d : 0).ToArray();
        var max = (long[])t.Column("max_steps");
        return new SchemeOutcome(Ints("label"), Ints("clean_prediction"), steps, Ints("flip_prediction"), max.Length == 0 ? 0 : (int)max[0]);
    }
}
