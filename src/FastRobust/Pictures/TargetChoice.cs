using System.Globalization;
using FastRobust.Util;

namespace FastRobust.Pictures;

/// <summary>
/// Which class a picture's large-ε attack aims at: none (untargeted: away from the label), next (label + 1 mod K),
/// random (uniform among the other classes, keyed by the image's index in its split, so every model and every
/// choice of images aims the same image at the same class), least-likely (each model's own lowest clean logit),
/// or one class number for every image.
/// </summary>
public sealed record TargetChoice(string Mode, int Class = -1)
{
    public static readonly IReadOnlyList<string> Modes = ["none", "next", "random", "least-likely"];

    public bool Targeted => Mode != "none";

    public static TargetChoice Parse(string text, string option)
    {
        string t = text.Trim().ToLowerInvariant();
        if (Modes.Contains(t)) return new TargetChoice(t);
        if (int.TryParse(t, NumberStyles.None, CultureInfo.InvariantCulture, out int k)) return new TargetChoice("class", k);
        throw new InputException($"{option} '{text}': expected none, next, random, least-likely or a class number");
    }

    /// <summary>
    /// The target of each image (null for none and least-likely, which the attack decides per model), from the
    /// images' labels and their indices in the split.
    /// </summary>
    public int[]? Targets(int[] labels, int[] indices, int classes, ulong seed)
    {
        if (Mode == "class" && (Class < 0 || Class >= classes))
            throw new InputException($"target class {Class} is outside the model's {classes} classes");
        if (Mode is "none" or "least-likely") return null;
        if (classes < 2) throw new InputException("a targeted attack needs at least two classes");
        var t = new int[labels.Length];
        for (int i = 0; i < t.Length; i++)
            t[i] = Mode switch
            {
                "next" => (labels[i] + 1) % classes,
                "random" => (labels[i] + 1 + (int)(Random.Philox.Lane(seed, Stream, (ulong)indices[i], 0) % (uint)(classes - 1))) % classes,
                _ => Class,
            };
        return t;
    }

    /// <summary>The Philox stream of random targets ("TRGT").</summary>
    public const ulong Stream = 0x5452_4754;

    public override string ToString() => Mode == "class" ? $"class {Class}" : Mode;
}
