using FastRobust.Util;

namespace FastRobust.Attacks;

/// <summary>The attacks by their CLI names.</summary>
public static class AttackRegistry
{
    public static readonly IReadOnlyList<string> Names =
        [
            "fgsm", "bim", "pgd", "pgd-l2", "deepfool", "cw", "apgd-ce", "square", "random-l0", "gaussian",
            "apgd-ce-l2", "apgd-dlr", "apgd-dlr-l2", "apgd-t", "apgd-t-l2", "fab-t", "fab-t-l2", "fab", "fab-l2", "autoattack", "autoattack-l2",
        ];

    /// <summary>Every name the CLI accepts: <see cref="Names"/> and their aliases.</summary>
    public static IReadOnlyList<string> Accepted => [.. Names, "aa", "aa-l2"];

    /// <summary>Other spellings the CLI and study files accept.</summary>
    public static string Canonical(string name) => name.ToLowerInvariant() switch
    {
        "aa" => "autoattack",
        "aa-l2" => "autoattack-l2",
        var n => n,
    };

    public static AttackBase Create(string name) => Canonical(name) switch
    {
        "fgsm" => new Fgsm(),
        "bim" => new Bim(),
        "pgd" => new Pgd(false),
        "pgd-l2" => new Pgd(true),
        "deepfool" => new DeepFool(),
        "cw" => new CarliniWagnerL2(),
        "apgd-ce" => new Apgd(ApgdLoss.CrossEntropy, false),
        "apgd-ce-l2" => new Apgd(ApgdLoss.CrossEntropy, true),
        "apgd-dlr" => new Apgd(ApgdLoss.Dlr, false),
        "apgd-dlr-l2" => new Apgd(ApgdLoss.Dlr, true),
        "apgd-t" => new Apgd(ApgdLoss.TargetedDlr, false),
        "apgd-t-l2" => new Apgd(ApgdLoss.TargetedDlr, true),
        "fab-t" => new Fab(false),
        "fab-t-l2" => new Fab(true),
        "fab" => new Fab(false, targeted: false),
        "fab-l2" => new Fab(true, targeted: false),
        "autoattack" => new AutoAttack(false),
        "autoattack-l2" => new AutoAttack(true),
        "square" => new SquareAttack(),
        "random-l0" => new RandomPixels(),
        "gaussian" => new GaussianNoise(),
        _ => throw new InputException($"unknown attack '{name}': expected one of {string.Join(", ", Names)}"),
    };
}
