using FastRobust.Util;

namespace FastRobust.Attacks;

/// <summary>The attacks by their CLI names.</summary>
public static class AttackRegistry
{
    public static readonly IReadOnlyList<string> Names =
        ["fgsm", "bim", "pgd", "pgd-l2", "deepfool", "cw", "apgd-ce", "square", "random-l0", "gaussian"];

    public static AttackBase Create(string name) => name.ToLowerInvariant() switch
    {
        "fgsm" => new Fgsm(),
        "bim" => new Bim(),
        "pgd" => new Pgd(false),
        "pgd-l2" => new Pgd(true),
        "deepfool" => new DeepFool(),
        "cw" => new CarliniWagnerL2(),
        "apgd-ce" => new ApgdCe(),
        "square" => new SquareAttack(),
        "random-l0" => new RandomPixels(),
        "gaussian" => new GaussianNoise(),
        _ => throw new InputException($"unknown attack '{name}': expected one of {string.Join(", ", Names)}"),
    };
}
